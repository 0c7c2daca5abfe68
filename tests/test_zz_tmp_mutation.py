from flask import send_file

import meeting.api.items
import meeting.items.views
from meeting.extensions import db
from meeting.items.attachments import attachment_path
from meeting.items.models import Attachment
from tests import test_isolation


def loose(item, attachment_id):
    attachment = db.session.get(Attachment, attachment_id)
    return send_file(attachment_path(attachment), as_attachment=True, download_name="x.txt")


def test_mutant_attachment(platform, api, monkeypatch):
    monkeypatch.setattr(meeting.items.views, "send_attachment", loose)
    monkeypatch.setattr(meeting.api.items, "send_attachment", loose)
    test_isolation.test_isolation_matrix(platform, api)
