# bash completion for authctx(1). Installed as
# share/bash-completion/completions/authctx; or: source completions/authctx.bash
# Keep the option lists in step with `authctx <command> --help` (tests/integration/docs_test.cpp
# fails when an option is missing here).

_authctx_global_opts="--help --version --format --output --trace --show-secrets --color --verbose"
_authctx_initiator_opts="--target --target-type --mech --neg-mechs --require-mech --no-mutual --delegate
  --delegate-policy --no-replay --sequence --conf --integ --anon --dce-style --ccache --client-keytab --user
  --password-file --password-stdin"
_authctx_acceptor_opts="--keytab --acceptor-name --accept-mechs"
_authctx_policy_opts="--expect --expect-file --junit"
_authctx_expectations="mech=krb5 mech=ntlm no-ntlm enctype>=aes128 enctype>=aes256 ticket-enctype>=aes128 flags>=mutual,integ,conf ticket-flags>= channel-bound delegated no-delegation pac pac>=logon-info lifetime>= legs<= user= target= no-warnings"
_authctx_transport_opts="--framing --timeout --max-token-size --files --stdio --negotiate-prefix"
_authctx_url_opts="--url --resolve --cacert --insecure --request --header --data --location --no-channel-bindings --starttls --sasl-layer --sasl-maxbuf --authzid"
_authctx_load_opts="--count --concurrency --duration --fresh-tickets"

_authctx_opts_for() {
  case "$1" in
    local) echo "--help --channel-bindings --messages --record $_authctx_load_opts $_authctx_initiator_opts
      $_authctx_acceptor_opts $_authctx_policy_opts" ;;
    client) echo "--help --connect --messages --channel-bindings --record $_authctx_load_opts $_authctx_initiator_opts
      $_authctx_transport_opts $_authctx_url_opts $_authctx_policy_opts" ;;
    server) echo "--help --listen --once --max-connections --documents --no-report --store-delegated --channel-bindings --record
      --require-channel-bindings --tls-cert --tls-key $_authctx_acceptor_opts $_authctx_transport_opts
      $_authctx_policy_opts" ;;
    decode) echo "--help --in --keytab --password-file --principal --salt --key" ;;
    replay) echo "--help $_authctx_acceptor_opts" ;;
    doctor) echo "--help --target --target-type --keytab --ccache" ;;
    mechs) echo "--help" ;;
    lab) echo "--help" ;;
    "lab up") echo "--help --dir --port --kdc --address" ;;
    "lab env" | "lab down") echo "--help --dir" ;;
    "lab exec") echo "--help --dir --kdc --address" ;;
    "lab demo") echo "--help --mech --without-krb5 --kdc --address" ;;
    "lab ad") echo "--help" ;;
    "lab ad enctypes") echo "--help --dir --account --enctypes" ;;
    "lab ad rekey") echo "--help --dir --account --update-keytab" ;;
    "lab ad spn") echo "--help --dir --account --add --remove" ;;
    "lab ad delegation") echo "--help --dir --account --sensitive --trusted" ;;
    "lab ad ldap-signing") echo "--help --dir --mode" ;;
    *) echo "$_authctx_global_opts" ;;
  esac
}

# Options that take a value (the next word is not a subcommand or option).
_authctx_takes_value() {
  case "$1" in
    --format | --output | --color | --target | --target-type | --mech | --neg-mechs | --require-mech | --ccache | \
      --client-keytab | --user | --password-file | --keytab | --acceptor-name | --accept-mechs | --framing | \
      --timeout | --max-token-size | --files | --connect | --count | --messages | --channel-bindings | --record | \
      --concurrency | --duration | --documents | \
      --listen | --max-connections | --store-delegated | --in | --dir | --port | --kdc | --address | --account | \
      --enctypes | --add | --remove | --sensitive | --trusted | --mode | --url | --resolve | --cacert | --request | \
      --header | --data | --tls-cert | --tls-key | --sasl-layer | --sasl-maxbuf | --authzid | --principal | --salt | \
      --key | --expect | --expect-file | --junit) return 0 ;;
  esac
  return 1
}

_authctx() {
  local cur prev words cword
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev=""
  [ "$COMP_CWORD" -gt 0 ] && prev="${COMP_WORDS[COMP_CWORD - 1]}"
  COMPREPLY=()

  # Which (sub)command are we in? Skip options and their values.
  local cmd="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    if [ "$w" = "--" ] && [ "$cmd" = "lab exec" ]; then
      # After `lab exec --`: complete a command and then its arguments as files.
      if [ $((i + 1)) -eq "$COMP_CWORD" ]; then
        mapfile -t COMPREPLY < <(compgen -c -- "$cur")
      else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      fi
      return 0
    fi
    case "$w" in
      -*) _authctx_takes_value "$w" && ((i++)) ;;
      *)
        if [ -z "$cmd" ]; then
          cmd="$w"
        elif [ "$cmd" = "lab" ] || [ "$cmd" = "lab ad" ]; then
          cmd="$cmd $w"
        fi
        ;;
    esac
  done

  case "$prev" in
    --format) mapfile -t COMPREPLY < <(compgen -W "auto json jsonl text" -- "$cur"); return 0 ;;
    --color) mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur"); return 0 ;;
    --mech | --require-mech) mapfile -t COMPREPLY < <(compgen -W "krb5 spnego ntlm iakerb" -- "$cur"); return 0 ;;
    --neg-mechs | --accept-mechs) mapfile -t COMPREPLY < <(compgen -W "krb5 ntlm iakerb krb5,ntlm ntlm,krb5" -- "$cur"); return 0 ;;
    --framing)
      if [ "$cmd" = "server" ]; then
        mapfile -t COMPREPLY < <(compgen -W "authctx gss-sample http" -- "$cur")
      else
        mapfile -t COMPREPLY < <(compgen -W "authctx gss-sample" -- "$cur")
      fi
      return 0 ;;
    --request) mapfile -t COMPREPLY < <(compgen -W "GET POST PUT DELETE HEAD OPTIONS PATCH" -- "$cur"); return 0 ;;
    --url) mapfile -t COMPREPLY < <(compgen -W "http:// https://" -- "$cur"); compopt -o nospace 2>/dev/null; return 0 ;;
    --target-type) mapfile -t COMPREPLY < <(compgen -W "hostbased principal user" -- "$cur"); return 0 ;;
    --in) mapfile -t COMPREPLY < <(compgen -W "auto raw base64 hex header" -- "$cur"); return 0 ;;
    --expect)
      mapfile -t COMPREPLY < <(compgen -W "$_authctx_expectations" -- "$cur")
      compopt -o nospace 2>/dev/null
      return 0 ;;
    --kdc) mapfile -t COMPREPLY < <(compgen -W "mit samba" -- "$cur"); return 0 ;;
    --account) mapfile -t COMPREPLY < <(compgen -W "alice hostsvc websvc Administrator dc1\$" -- "$cur"); return 0 ;;
    --enctypes) mapfile -t COMPREPLY < <(compgen -W "aes rc4 aes256 aes128 rc4,aes default" -- "$cur"); return 0 ;;
    --sensitive | --trusted) mapfile -t COMPREPLY < <(compgen -W "on off" -- "$cur"); return 0 ;;
    --mode) mapfile -t COMPREPLY < <(compgen -W "require relax" -- "$cur"); return 0 ;;
    --sasl-layer) mapfile -t COMPREPLY < <(compgen -W "none integrity confidentiality" -- "$cur"); return 0 ;;
    --url)
      mapfile -t COMPREPLY < <(compgen -W "http:// https:// ldap:// ldaps://" -- "$cur")
      compopt -o nospace 2>/dev/null
      return 0 ;;
    --output | --keytab | --client-keytab | --password-file | --record | --cacert | --tls-cert | --tls-key | \
      --expect-file | --junit)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
    --dir | --files) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return 0 ;;
    --ccache | --store-delegated)
      mapfile -t COMPREPLY < <(compgen -W "FILE: MEMORY: KEYRING: DIR:" -- "$cur")
      [ "${cur#FILE:}" != "$cur" ] && mapfile -t COMPREPLY < <(compgen -f -P FILE: -- "${cur#FILE:}")
      compopt -o nospace 2>/dev/null
      return 0 ;;
    --documents) mapfile -t COMPREPLY < <(compgen -W "all failures" -- "$cur"); return 0 ;;
    --target | --acceptor-name | --user | --connect | --listen | --timeout | --max-token-size | --count | \
      --concurrency | --duration | \
      --messages | --channel-bindings | --max-connections | --port | --address | --add | --remove | --resolve | \
      --header | --data | --sasl-maxbuf | --authzid) return 0 ;;
  esac

  if [ -z "$cmd" ]; then
    if [[ "$cur" == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$_authctx_global_opts" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "local client server decode replay lab doctor mechs" -- "$cur")
    fi
    return 0
  fi
  if [ "$cmd" = "lab" ] && [[ "$cur" != -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "up down env exec demo ad" -- "$cur")
    return 0
  fi
  if [ "$cmd" = "lab ad" ] && [[ "$cur" != -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "enctypes rekey spn delegation ldap-signing" -- "$cur")
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    # shellcheck disable=SC2046
    mapfile -t COMPREPLY < <(compgen -W "$(_authctx_opts_for "$cmd")" -- "$cur")
    [ "$cmd" = "lab exec" ] && COMPREPLY+=("--")
    return 0
  fi
  case "$cmd" in
    decode | replay) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
  esac
  return 0
}

complete -F _authctx authctx
