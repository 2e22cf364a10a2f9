# Sourced by scripts/setup and scripts/run: fingerprints of what set-up installs
# from the registries, and of the sources the pages' bundle is built from.
stamp_packages() { cat pyproject.toml package-lock.json scripts/setup | sha256sum | cut -d' ' -f1; }
stamp_assets() {
  find static/js static/css service_worker -type f -print0 | sort -z | xargs -0 cat \
    | sha256sum | cut -d' ' -f1
}
