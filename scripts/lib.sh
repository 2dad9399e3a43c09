# Shared by scripts/demo and scripts/test: install missing Debian packages, configure and
# build incrementally into build/. Sourced, not run. Everything these functions print goes
# to stderr, so a script's stdout carries only what it means to say.
set -euo pipefail

AUTHCTX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AUTHCTX_BUILD=${AUTHCTX_BUILD:-$AUTHCTX_ROOT/build}

# What building authctx and running `authctx lab demo` need: compiler, CMake, the libraries,
# and the lab's KDC (krb5-kdc: krb5kdc, kdb5_util; krb5-admin-server: kadmin.local).
AUTHCTX_DEMO_PACKAGES=(cmake g++ make pkg-config libkrb5-dev libcli11-dev nlohmann-json3-dev
  krb5-kdc krb5-admin-server)

# Build and run-time dependencies of the whole test suite: the demo's, plus Catch2, the MIT
# tools (kinit, klist), NTLM, the peers the interoperability tests run against, faketime for
# clock tests and groff for the man page check.
AUTHCTX_PACKAGES=(cmake g++ make pkg-config libkrb5-dev libcli11-dev nlohmann-json3-dev catch2
  krb5-kdc krb5-admin-server krb5-user gss-ntlmssp gss-ntlmssp-dev krb5-gss-samples faketime groff-base)
# The Active Directory lab (`lab up --kdc samba`): Samba's AD DC and ldb tools; ldapsearch with SASL GSSAPI for its LDAP signing test.
AUTHCTX_PACKAGES+=(samba-ad-dc samba-ad-provision samba-dsdb-modules winbind ldb-tools ldap-utils libsasl2-modules-gssapi-mit)
# The sanitizer run and the libFuzzer targets (scripts/test's asan part, scripts/fuzz): clang 14 with its ASan/UBSan/libFuzzer runtimes.
AUTHCTX_PACKAGES+=(clang-14 libclang-rt-14-dev llvm-14)
AUTHCTX_ASAN_BUILD=${AUTHCTX_ASAN_BUILD:-$AUTHCTX_ROOT/build-asan}
# HTTP Negotiate transport (Boost.Beast/Asio headers, OpenSSL) and its peers: Apache + mod_auth_gssapi, curl, openssl.
AUTHCTX_PACKAGES+=(libboost1.81-dev libssl-dev apache2 libapache2-mod-auth-gssapi curl openssl)
# A Python HTTP Negotiate client (urllib + python-gssapi) against server --framing http.
AUTHCTX_PACKAGES+=(python3-gssapi)
# LDAP SASL binds (`client --url ldap://`): liblber and OpenSSL to build; slapd (with the Cyrus
# SASL GSSAPI module and ldapwhoami above) and the openssl program (a throwaway certificate) as test peers.
AUTHCTX_PACKAGES+=(libldap-dev slapd)
# --junit tests: xmllint checks the report; python3-junitparser reads it back as a CI reporter does.
AUTHCTX_PACKAGES+=(libxml2-utils python3-junitparser)
# tshark (and text2pcap): cross-check `decode --keytab` against Wireshark's Kerberos decryption.
AUTHCTX_PACKAGES+=(tshark)

authctx_install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "authctx: installing ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "authctx: missing packages: ${missing[*]}; run: apt-get install -y ${missing[*]}" >&2
      exit 5
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # libkrb5-dev upgrades the base image's MIT libraries, so they come from the same update.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# authctx_build [-DVAR=VALUE ...] [cmake --build arguments ...]: configures build/ when it
# has not been (RelWithDebInfo) or when -D settings are given, then builds.
authctx_build() {
  local jobs configure=() build=()
  jobs=$(nproc 2>/dev/null || echo 2)
  for a in "$@"; do
    case "$a" in
      -D*) configure+=("$a") ;;
      *) build+=("$a") ;;
    esac
  done
  if [ ! -f "$AUTHCTX_BUILD/CMakeCache.txt" ]; then
    cmake -S "$AUTHCTX_ROOT" -B "$AUTHCTX_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${configure[@]}" >&2
  elif [ ${#configure[@]} -gt 0 ]; then
    cmake -S "$AUTHCTX_ROOT" -B "$AUTHCTX_BUILD" "${configure[@]}" >&2
  fi
  cmake --build "$AUTHCTX_BUILD" -j"$jobs" "${build[@]}" >&2
}
