"""Static files as production serves them, for the demo too: compressed, and named by their content's hash so
browsers may keep them for a year."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The demo runs with DEBUG on, where Django names the unhashed files (cached an hour at most); once
    collectstatic has written the manifest, name the hashed ones as production does."""

    def url(self, name, force=False):
        return super().url(name, force=force or bool(self.hashed_files))
