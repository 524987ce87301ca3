#!/usr/bin/env bash
# Test certificates for SPI message signatures, made with the openssl CLI.
#
#   scripts/make-test-certificate.sh [DIR]
#       a test CA plus the fixture set in DIR (default test/signatures/fixtures):
#       the SPI's certificate (CN=00038166), a participant's (CN=12345678),
#       the same participant's expired one, and another participant's
#       (CN=87654321). Existing files are kept: delete DIR to make all anew.
#
#   scripts/make-test-certificate.sh DIR NAME ISPB [expired]
#       one more participant certificate NAME.crt / NAME.key whose subject CN
#       is ISPB, issued by DIR's CA (made first if DIR has none); "expired"
#       gives it a validity period that ended in 2021.
#
# Keys are RSA 2048 (the SPI signs with rsa-sha256), unencrypted, for tests
# only. Certificates come from `openssl ca`, which takes explicit start and
# end dates (the fixtures do not expire under the tests) and writes random
# 159-bit serial numbers, as large as the ones ICP-Brasil CAs issue, so the
# decimal X509SerialNumber is exercised past 64 bits.
set -euo pipefail

DIR=${1:-test/signatures/fixtures}
mkdir -p "$DIR"
cd "$DIR"

# The CA's name holds a comma on purpose: X509IssuerName must escape it (RFC 4514).
CA_SUBJECT='/C=BR/O=pix-stream/OU=SPI rehearsal/CN=pix-stream Test CA\, not for production'
VALID_FROM=20250101000000Z
VALID_TO=20351231235959Z
EXPIRED_FROM=20200101000000Z
EXPIRED_TO=20210101000000Z

STATE=$(mktemp -d)
trap 'rm -rf "$STATE"' EXIT

make_ca() {
  [ -f ca.crt ] && [ -f ca.key ] && return
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -keyout ca.key -out ca.crt \
    -subj "$CA_SUBJECT" -days 7300 \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
}

# A throwaway `openssl ca` state (index, serial) per run: the CA's files are all that persists.
ca_config() {
  : >"$STATE/index.txt"
  cat >"$STATE/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $STATE
database = $STATE/index.txt
new_certs_dir = $STATE
certificate = $PWD/ca.crt
private_key = $PWD/ca.key
rand_serial = yes
default_md = sha256
policy = any_subject
unique_subject = no
copy_extensions = none
x509_extensions = participant
[ any_subject ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ participant ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}

# issue NAME ISPB FROM TO
issue() {
  local name=$1 ispb=$2 from=$3 to=$4
  [ -f "$name.crt" ] && [ -f "$name.key" ] && return
  openssl req -new -newkey rsa:2048 -nodes -keyout "$name.key" -out "$STATE/$name.csr" \
    -subj "/C=BR/O=pix-stream/OU=SPI rehearsal/CN=$ispb" 2>/dev/null
  openssl ca -batch -notext -preserveDN -config "$STATE/ca.cnf" -in "$STATE/$name.csr" -out "$name.crt" \
    -startdate "$from" -enddate "$to" 2>/dev/null
  openssl x509 -in "$name.crt" -noout -subject -serial -enddate | sed "s/^/$name: /"
}

make_ca
ca_config

if [ $# -ge 3 ]; then
  case ${4:-} in
    expired) issue "$2" "$3" "$EXPIRED_FROM" "$EXPIRED_TO" ;;
    '') issue "$2" "$3" "$VALID_FROM" "$VALID_TO" ;;
    *) echo "usage: $0 DIR NAME ISPB [expired]" >&2; exit 2 ;;
  esac
  exit 0
fi

issue spi 00038166 "$VALID_FROM" "$VALID_TO"
issue participant 12345678 "$VALID_FROM" "$VALID_TO"
issue participant-expired 12345678 "$EXPIRED_FROM" "$EXPIRED_TO"
issue participant-other-ispb 87654321 "$VALID_FROM" "$VALID_TO"
