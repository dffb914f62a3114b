# Sourced (POSIX sh) by ./mvnw, ./qio, benchmarks/run and .ci/run: sets JAVA_HOME to a JDK 25 or
# newer, so that every entry point works on a machine whose default java is older. Tries $JAVA_HOME,
# then /usr/lib/jvm/temurin-25-jdk-amd64, then every JDK under /usr/lib/jvm and /opt/java (or the
# directories QIO_JDK_DIRS lists); with none, prints one line saying what to install and exits 1.

qio_is_jdk25() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] \
    && "$1/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9]|[1-9][0-9]{2})([."]|$)'
}

if [ -n "${JAVA_HOME:-}" ] && qio_is_jdk25 "$JAVA_HOME"; then
  :
else
  qio_found=""
  # The callers may run with globbing off (mvnw uses set -f); the candidates need it on.
  case $- in *f*) set +f; qio_noglob=1 ;; *) qio_noglob="" ;; esac
  for qio_d in ${QIO_JDK_DIRS:-/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/* /opt/java/*}; do
    if qio_is_jdk25 "$qio_d"; then qio_found=$qio_d; break; fi
  done
  [ -z "$qio_noglob" ] || set -f
  if [ -z "$qio_found" ]; then
    echo "qio needs JDK 25 and found none (JAVA_HOME${JAVA_HOME:+=$JAVA_HOME}, ${QIO_JDK_DIRS:-/usr/lib/jvm/*, /opt/java/*}): install a JDK 25 (for example Temurin 25) and set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME=$qio_found
  unset qio_found qio_d qio_noglob
fi
export JAVA_HOME
