"""Files and people the field-work tests share."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from PIL import Image

from xinfang.orgs.models import Membership

# The smallest PDF a reader accepts: enough for the content check.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def jpeg_with_gps(size=(40, 30)) -> bytes:
    """A JPEG whose EXIF says where the camera was (GPS) and which camera it was."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    gps = {1: "N", 2: (36.0, 41.0, 0.0), 3: "E", 4: (121.0, 9.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def agent(username: str, body, *, also: str = ""):
    user = get_user_model().objects.create_user(
        username, password="pw-" + username, first_name=username
    )
    Membership.objects.create(user=user, body=body, role="village_agent")
    if also:
        Membership.objects.create(user=user, body=body, role=also)
    return user
