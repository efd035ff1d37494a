#!/usr/bin/env python3
"""Writes the probe's container image as an OCI image layout archive, with no container daemon.

An OCI image is JSON and tar files addressed by their SHA-256: one layer holding the static
binary at /portcheck, a config (non-root user, entry point, OCI labels), a manifest per
platform and an index naming them. Everything is written reproducibly (fixed times, owners and
order, gzip without a timestamp), so the same binaries give the same image digest.

Usage: oci-image.py OUT.tar VERSION COMMIT SOURCE CREATED ARCH=BINARY...
  e.g. oci-image.py dist/probe/portcheck-oci.tar 0.1.0 <sha> https://… 2026-11-29T00:00:00Z \
       amd64=dist/probe/portcheck-x86_64-linux arm64=dist/probe/portcheck-aarch64-linux
"""

import gzip
import hashlib
import io
import json
import sys
import tarfile

# The "nonroot" user of distroless images: no name needed, none of the host's.
USER = "65532:65532"


def tar_bytes(entries, mtime):
    """A tar of (name, mode, bytes or None for a directory), owned by root, at one time."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, mode, data in entries:
            info = tarfile.TarInfo(name)
            info.mode, info.mtime, info.uid, info.gid = mode, mtime, 0, 0
            info.uname = info.gname = ""
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layout:
    """The blobs of an image layout, by digest."""

    def __init__(self):
        self.blobs = {}

    def add(self, media_type, data, **extra):
        d = digest(data)
        self.blobs[d] = data
        return {"mediaType": media_type, "digest": d, "size": len(data), **extra}

    def add_json(self, media_type, value, **extra):
        return self.add(media_type, json.dumps(value, indent=2, sort_keys=True).encode(), **extra)


def main(argv):
    if len(argv) < 7:
        sys.exit(__doc__)
    out, version, commit, source, created = argv[1:6]
    platforms = [a.split("=", 1) for a in argv[6:]]
    epoch = int(__import__("datetime").datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp())
    labels = {
        "org.opencontainers.image.title": "portcheck",
        "org.opencontainers.image.description": "The palette-portcheck probe: proves the network flows a Spectro Cloud Palette deployment needs",
        "org.opencontainers.image.source": source,
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": commit,
        "org.opencontainers.image.created": created,
        "org.opencontainers.image.licenses": "Apache-2.0",
    }
    layout = Layout()
    manifests = []
    for arch, binary in platforms:
        with open(binary, "rb") as f:
            program = f.read()
        # /tmp for the rare library that wants one; the binary needs nothing else (no libc, no
        # /etc: with no CA store it trusts the public web PKI and says so).
        layer = tar_bytes([("tmp", 0o1777, None), ("portcheck", 0o755, program)], epoch)
        compressed = gzip.compress(layer, mtime=0)
        layer_desc = layout.add("application/vnd.oci.image.layer.v1.tar+gzip", compressed)
        config = {
            "created": created,
            "architecture": arch,
            "os": "linux",
            "config": {
                "User": USER,
                "Entrypoint": ["/portcheck"],
                "Cmd": ["--help"],
                "WorkingDir": "/",
                "Env": ["TMPDIR=/tmp"],
                "Labels": labels,
            },
            "rootfs": {"type": "layers", "diff_ids": [digest(layer)]},
            "history": [{"created": created, "created_by": "scripts/dist/oci-image.py: /portcheck"}],
        }
        config_desc = layout.add_json("application/vnd.oci.image.config.v1+json", config)
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config_desc,
            "layers": [layer_desc],
            "annotations": labels,
        }
        manifests.append(
            layout.add_json(
                "application/vnd.oci.image.manifest.v1+json",
                manifest,
                platform={"architecture": arch, "os": "linux"},
            )
        )
    # One name for all platforms: the layout's index names an image index, whose entries a
    # runtime picks from by platform.
    platforms_index = layout.add_json(
        "application/vnd.oci.image.index.v1+json",
        {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": manifests, "annotations": labels},
        annotations={"org.opencontainers.image.ref.name": version},
    )
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [platforms_index]}
    entries = [
        ("oci-layout", 0o644, json.dumps({"imageLayoutVersion": "1.0.0"}).encode()),
        ("index.json", 0o644, json.dumps(index, indent=2, sort_keys=True).encode()),
        ("blobs", 0o755, None),
        ("blobs/sha256", 0o755, None),
    ]
    entries += [(f"blobs/sha256/{d.split(':', 1)[1]}", 0o644, data) for d, data in sorted(layout.blobs.items())]
    with open(out, "wb") as f:
        f.write(tar_bytes(entries, epoch))


if __name__ == "__main__":
    main(sys.argv)
