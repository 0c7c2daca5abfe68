"""Meetings 会议: plenary, ad-hoc and liaison meetings, delegations, decisions and minutes."""
