#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes an OCI image layout archive (what `ctr images import` reads) of one layer: the
files under ROOTFS.  No registry is involved.

    ociarchive.py OUT.tar NAME ROOTFS [ENTRYPOINT...]

NAME (e.g. localhost/multus-pause:1) goes into index.json as io.containerd.image.name and
org.opencontainers.image.ref.name; the image is linux/amd64 (this machine's), its
entrypoint the given words.
"""

import hashlib
import io
import json
import os
import platform
import sys
import tarfile

ARCH = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def deterministic(ti):
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = "root"
    ti.mtime = 0
    return ti


def blob(out, data, media_type):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    ti = tarfile.TarInfo("blobs/sha256/" + digest[7:])
    ti.size = len(data)
    out.addfile(deterministic(ti), io.BytesIO(data))
    return {"mediaType": media_type, "digest": digest, "size": len(data)}


def add_bytes(out, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    out.addfile(deterministic(ti), io.BytesIO(data))


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    path, name, rootfs, entry = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as lt:
        for top in sorted(os.listdir(rootfs)):
            lt.add(os.path.join(rootfs, top), arcname=top, filter=deterministic)
    layer = layer.getvalue()
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps({
        "architecture": ARCH, "os": "linux",
        "config": {"Entrypoint": entry, "WorkingDir": "/",
                   "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "tests/runtime/ociarchive.py"}],
    }, sort_keys=True).encode()
    with tarfile.open(path, mode="w") as out:
        add_bytes(out, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        ldesc = blob(out, layer, "application/vnd.oci.image.layer.v1.tar")
        cdesc = blob(out, config, "application/vnd.oci.image.config.v1+json")
        manifest = json.dumps({"schemaVersion": 2,
                               "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": cdesc, "layers": [ldesc]}, sort_keys=True).encode()
        mdesc = blob(out, manifest, "application/vnd.oci.image.manifest.v1+json")
        mdesc["platform"] = {"architecture": ARCH, "os": "linux"}
        mdesc["annotations"] = {"io.containerd.image.name": name,
                                "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}
        add_bytes(out, "index.json", json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [mdesc]}, sort_keys=True).encode())


if __name__ == "__main__":
    main()
