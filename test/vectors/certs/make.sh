#!/bin/sh
# Regenerates the fixed test certificates of this folder (see README.md). Run once; the files are
# committed so the tests never need openssl. Needs OpenSSL 3.
set -eu
cd "$(dirname "$0")"
DAYS=36500
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
# test CA for client certificates and the server certificate
ec ca.key
openssl req -x509 -new -key ca.key -out ca.pem -days $DAYS -subj "/CN=KMS Test CA" -sha256
# server certificate for localhost / 127.0.0.1
ec server.key
openssl req -new -key server.key -out server.csr -subj "/CN=localhost"
printf "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 0x1001 -out server.pem -days $DAYS -sha256 -extfile server.ext
# client certificates: the user is the subject CN
client() {
  ec "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf "extendedKeyUsage=clientAuth\n" > client.ext
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -set_serial "$4" -out "$1.pem" -days $DAYS -sha256 -extfile client.ext
}
client alice alice@example.com ca 0x2001
client bob bob@example.com ca 0x2002
client wildcard "*" ca 0x2003
client spaced " carol@example.com " ca 0x2004
client control "$(printf 'eve\tadmin')" ca 0x2005
# a client certificate from a CA the server does not trust
ec rogue-ca.key
openssl req -x509 -new -key rogue-ca.key -out rogue-ca.pem -days $DAYS -subj "/CN=Rogue CA" -sha256
client rogue alice@example.com rogue-ca 0x3001
# the server certificate in DER, for importCertificate tests
openssl x509 -in server.pem -outform DER -out server.der
rm -f ./*.csr ./*.ext ./*.srl rogue-ca.key
