# Sourced by the image scripts: `debian_mirror` prints the Debian mirror this machine's apt
# sources name (read at build time, never written into the repository); KASSA_MIRROR overrides it.
#
# The first URI of an entry for a Debian release suite (not -security, not -updates, not a third
# party's), in deb822 .sources files or one-line .list files.
debian_mirror() {
    if [ -n "${KASSA_MIRROR:-}" ]; then
        echo "$KASSA_MIRROR"
        return 0
    fi
    local f
    {
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            awk '
                function flush() { if (uri != "" && suites ~ /(^| )(buster|bullseye|bookworm|trixie|forky|sid|stable|testing|unstable)( |$)/) print uri; uri = ""; suites = "" }
                /^[ \t]*$/ { flush(); next }
                /^URIs:/ { uri = $2 }
                /^Suites:/ { $1 = ""; suites = $0; sub(/^ /, "", suites) }
                END { flush() }' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                               if ($(i+1) ~ /^(buster|bullseye|bookworm|trixie|forky|sid|stable|testing|unstable)$/) print $i }' "$f"
        done
    } | sed -n 1p
}
