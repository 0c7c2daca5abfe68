"""Agenda items 议题: proposals of member units, reviewed, approved and decided."""
