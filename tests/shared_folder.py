"""The project's shared folder (source documents, standards): `../shared` beside the checkout, as the brief places it.

A clone made elsewhere (a CI runner's folder, a worktree) finds it in a parent folder or at /work/shared; neither
there is an error that says what is missing, never a skip.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_folder() -> Path:
    for folder in [*ROOT.parents, Path("/work")]:
        if (folder / "shared" / "seeds").is_dir():
            return folder / "shared"
    raise FileNotFoundError(f"The shared folder with seeds/ and standards/ is missing: looked beside {ROOT} and in /work")
