"""The VM source: pinned archive verification and user checkouts."""

import io
import tarfile

import pytest

from harness.errors import SourceError
from harness.vms.micropython import PIN, REQUIRED_FILES, MicroPythonProfile
from harness.vmsource import SourcePin, checkout_source, pinned_source, verify_archive


def make_archive(path, files):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_wrong_hash_is_refused_with_what_to_do(tmp_path):
    archive = tmp_path / "mpy-cross-v6-3-1.1.1.tar.gz"
    make_archive(archive, {"pkg/micropython/py/x.c": b"int x;"})
    with pytest.raises(SourceError) as exc:
        verify_archive(PIN, archive)
    text = str(exc.value)
    assert PIN.sha256 in text and "delete" in text


def test_archive_missing_required_files(tmp_path):
    import hashlib
    archive = tmp_path / "a.tar.gz"
    make_archive(archive, {"pkg/micropython/py/x.c": b"int x;"})
    pin = SourcePin("a", "1", hashlib.sha256(archive.read_bytes()).hexdigest(), 0, "micropython")
    with pytest.raises(SourceError, match="lacks py/mkenv.mk"):
        pinned_source(pin, tmp_path / "cache", REQUIRED_FILES, archive=archive)


def test_checkout_errors(tmp_path):
    with pytest.raises(SourceError, match="no such folder"):
        MicroPythonProfile().source(tmp_path, vm_src=str(tmp_path / "nope"))
    (tmp_path / "co" / "py").mkdir(parents=True)
    with pytest.raises(SourceError, match="--vm-src"):
        checkout_source(tmp_path / "co", REQUIRED_FILES, ["py"])


def test_checkout_digest_follows_content(toolchain, tmp_path):
    import shutil
    copy = tmp_path / "mp"
    shutil.copytree(toolchain.source.root, copy)
    first = checkout_source(copy, REQUIRED_FILES, ["py"]).digest
    assert checkout_source(copy, REQUIRED_FILES, ["py"]).digest == first
    (copy / "py" / "obj.c").write_text((copy / "py" / "obj.c").read_text() + "\n// changed\n")
    assert checkout_source(copy, REQUIRED_FILES, ["py"]).digest != first


def test_pinned_source_is_verified_and_complete(toolchain):
    assert toolchain.source.digest == PIN.sha256
    for name in REQUIRED_FILES:
        assert (toolchain.source.root / name).exists()


def _unpack_in_process(args):
    pin, cache, archive = args
    return str(pinned_source(pin, cache, ["py/x.c"], archive=archive).root)


def test_parallel_workers_unpack_the_source_once(tmp_path):
    """pytest-xdist workers on a cold cache: one unpacks, the others find it done."""
    import hashlib
    from concurrent.futures import ProcessPoolExecutor

    archive = tmp_path / "a.tar.gz"
    make_archive(archive, {f"pkg/micropython/py/f{i}.c": b"int x;" * 2000 for i in range(200)}
                 | {"pkg/micropython/py/x.c": b"int x;"})
    pin = SourcePin("a", "1", hashlib.sha256(archive.read_bytes()).hexdigest(), 0, "micropython")
    cache = tmp_path / "cache"
    with ProcessPoolExecutor(4) as pool:
        roots = list(pool.map(_unpack_in_process, [(pin, cache, archive)] * 4))
    assert len(set(roots)) == 1
    # one tree, not a second copy moved inside the first
    assert sorted(p.name for p in (cache / "src").iterdir() if p.is_dir()) == [f"a-1-{pin.sha256[:12]}"]
    assert sorted(p.name for p in (cache / "src" / f"a-1-{pin.sha256[:12]}").iterdir()) == ["py"]
