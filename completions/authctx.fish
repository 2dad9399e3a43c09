# fish completion for authctx(1). Installed as share/fish/vendor_completions.d/authctx.fish.
# Keep in step with `authctx <command> --help`.

set -l __authctx_cmds local client server decode replay lab doctor mechs
set -l __authctx_lab_cmds up down env exec demo ad

function __authctx_using -d 'true when the command line is at subcommand $argv'
    set -l words (commandline -opc)
    set -e words[1]
    set -l path
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --format --output --color
                set skip 1
            case '-*'
            case '*'
                if test (count $path) -eq 0
                    set path $w
                else if test "$path[1]" = lab; and test (count $path) -eq 1
                    set path $path $w
                else if test "$path[1]" = lab; and test "$path[2]" = ad; and test (count $path) -eq 2
                    set path $path $w
                end
        end
    end
    test "$path" = "$argv"
end

complete -c authctx -f

# Global options (before the subcommand).
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -s h -l help -d 'Print help and exit'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -l version -d 'Print versions and exit'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -l format -x -a 'auto json jsonl text' -d 'Output format'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -l output -r -F -d 'Write the output to FILE'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -l trace -d 'Include Kerberos trace lines'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -l show-secrets -d 'Show session keys and NTLM responses'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -l color -x -a 'auto always never' -d 'Colour in the text view'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -l verbose -d 'Text view: full decoded trees'

# Subcommands.
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -a local -d 'Initiator and acceptor in one process'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -a client -d 'The initiator over TCP, --files, --stdio or --url'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -a server -d 'The acceptor over TCP (or HTTP), --files or --stdio'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -a decode -d 'Decode tokens offline'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -a replay -d 'Feed a recorded exchange to a fresh acceptor'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -a lab -d 'A throwaway Kerberos realm: MIT or Active Directory'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -a doctor -d 'Check the local Kerberos set-up'
complete -c authctx -n "not __fish_seen_subcommand_from $__authctx_cmds" -a mechs -d 'List the GSS-API mechanisms'

for c in local client server decode replay doctor mechs lab
    complete -c authctx -n "__authctx_using $c" -s h -l help -d 'Print help and exit'
end

# Initiator options: local, client.
for c in local client
    set -l n "__authctx_using $c"
    complete -c authctx -n $n -l target -x -d 'Target name (service@host)'
    complete -c authctx -n $n -l target-type -x -a 'hostbased principal user' -d 'How --target is read'
    complete -c authctx -n $n -l mech -x -a 'krb5 spnego ntlm iakerb' -d 'Mechanism'
    complete -c authctx -n $n -l neg-mechs -x -a 'krb5 ntlm iakerb krb5,ntlm' -d 'SPNEGO: mechanisms to offer'
    complete -c authctx -n $n -l require-mech -x -a 'krb5 spnego ntlm iakerb' -d 'Fail unless this mechanism is negotiated'
    complete -c authctx -n $n -l no-mutual -d 'Do not request mutual authentication'
    complete -c authctx -n $n -l delegate -d 'Request credential delegation'
    complete -c authctx -n $n -l delegate-policy -d 'Delegate only if ok-as-delegate'
    complete -c authctx -n $n -l no-replay -d 'Do not request replay detection'
    complete -c authctx -n $n -l sequence -d 'Request sequence checking'
    complete -c authctx -n $n -l conf -d 'Request confidentiality'
    complete -c authctx -n $n -l integ -d 'Request integrity'
    complete -c authctx -n $n -l anon -d 'Request anonymous authentication'
    complete -c authctx -n $n -l dce-style -d 'Request DCE-style Kerberos'
    complete -c authctx -n $n -l ccache -r -F -d 'Initiator credential cache'
    complete -c authctx -n $n -l client-keytab -r -F -d 'Initiator keytab'
    complete -c authctx -n $n -l user -x -d 'Initiator user name'
    complete -c authctx -n $n -l password-file -r -F -d 'Read the password from FILE'
    complete -c authctx -n $n -l password-stdin -d 'Read the password from standard input'
end

# Acceptor options: local, server, replay.
for c in local server replay
    set -l n "__authctx_using $c"
    complete -c authctx -n $n -l keytab -r -F -d 'Acceptor keytab'
    complete -c authctx -n $n -l acceptor-name -x -d 'Accept only as this name'
    complete -c authctx -n $n -l accept-mechs -x -a 'krb5 ntlm iakerb krb5,ntlm' -d 'SPNEGO acceptor: mechanisms'
end

for c in local client server
    set -l n "__authctx_using $c"
    complete -c authctx -n $n -l channel-bindings -x -d 'Channel bindings: TEXT, hex:HEX or file:PATH'
    complete -c authctx -n $n -l record -r -F -d 'Also write the full document to FILE'
end
for c in local client
    complete -c authctx -n "__authctx_using $c" -l messages -x -d 'Per-message round trips'
end

# Policy options: local, client, server.
for c in local client server
    set -l n "__authctx_using $c"
    complete -c authctx -n $n -l expect -x -a "mech=krb5 mech=ntlm no-ntlm 'enctype>=aes128' 'enctype>=aes256' 'ticket-enctype>=aes128' 'flags>=mutual,integ,conf' 'ticket-flags>=' channel-bound delegated no-delegation pac 'pac>=logon-info' 'lifetime>=' 'legs<=' user= target= no-warnings" -d 'Check EXPR (exit 6 when it fails)'
    complete -c authctx -n $n -l expect-file -r -F -d 'Read expectations from FILE'
    complete -c authctx -n $n -l junit -r -F -d 'Write a JUnit XML report to FILE'
end

# Transport options: client, server.
for c in client server
    set -l n "__authctx_using $c"
    complete -c authctx -n $n -l timeout -x -d 'Seconds to wait at each step'
    complete -c authctx -n $n -l max-token-size -x -d 'Largest frame accepted, in bytes'
    complete -c authctx -n $n -l files -x -a '(__fish_complete_directories)' -d 'Exchange tokens as files in DIR'
    complete -c authctx -n $n -l stdio -d 'Tokens as base64 on stdin/stdout'
    complete -c authctx -n $n -l negotiate-prefix -d 'With --stdio: Negotiate <base64>'
end
complete -c authctx -n '__authctx_using client' -l framing -x -a 'authctx gss-sample' -d 'Wire format'
complete -c authctx -n '__authctx_using server' -l framing -x -a 'authctx gss-sample http' -d 'Wire format (http: HTTP Negotiate)'
complete -c authctx -n '__authctx_using client' -l connect -x -d 'Server address HOST:PORT'
# Load options: client, local.
for c in client local
    set -l n "__authctx_using $c"
    complete -c authctx -n $n -l count -x -d 'Run N handshakes and report a summary'
    complete -c authctx -n $n -l concurrency -x -d 'Handshakes in flight at once'
    complete -c authctx -n $n -l duration -x -d 'Run handshakes for SECONDS'
    complete -c authctx -n $n -l fresh-tickets -d 'A new service ticket for every handshake'
end
complete -c authctx -n '__authctx_using client' -l starttls -d 'Upgrade ldap:// to TLS before binding'
complete -c authctx -n '__authctx_using client' -l sasl-layer -x -a 'none integrity confidentiality' -d 'GSSAPI security layer'
complete -c authctx -n '__authctx_using client' -l sasl-maxbuf -x -d 'Largest SASL buffer accepted'
complete -c authctx -n '__authctx_using client' -l authzid -x -d 'Authorization identity to ask for'
complete -c authctx -n '__authctx_using server' -l listen -x -d 'Address to listen on, HOST:PORT'
complete -c authctx -n '__authctx_using server' -l once -d 'Serve one connection, then exit'
complete -c authctx -n '__authctx_using server' -l max-connections -x -d 'Connections served at once'
complete -c authctx -n '__authctx_using server' -l documents -x -a 'all failures' -d 'Which connections get a document'
complete -c authctx -n '__authctx_using server' -l no-report -d 'Do not send the acceptor view'
complete -c authctx -n '__authctx_using server' -l store-delegated -r -F -d 'Store a delegated credential here'
complete -c authctx -n '__authctx_using server' -l require-channel-bindings -d 'Refuse a context that is not channel-bound'
complete -c authctx -n '__authctx_using server' -l tls-cert -r -F -d '--framing http: https certificate chain (PEM)'
complete -c authctx -n '__authctx_using server' -l tls-key -r -F -d '--framing http: its private key (PEM)'

# URL transports: client --url http(s):// (a web server) or ldap(s):// (a directory).
complete -c authctx -n '__authctx_using client' -l url -x -a 'http:// https:// ldap:// ldaps://' -d 'A web server or a directory'
complete -c authctx -n '__authctx_using client' -l resolve -x -d 'HOST:PORT:ADDRESS, as curl'
complete -c authctx -n '__authctx_using client' -l cacert -r -F -d 'CA certificates (PEM) for TLS'
complete -c authctx -n '__authctx_using client' -l insecure -d 'Do not verify the TLS certificate'
complete -c authctx -n '__authctx_using client' -l request -x -a 'GET POST PUT DELETE HEAD OPTIONS PATCH' -d 'HTTP method'
complete -c authctx -n '__authctx_using client' -l header -x -d "Extra request header 'Name: value'"
complete -c authctx -n '__authctx_using client' -l data -x -d 'Request body: TEXT or @FILE'
complete -c authctx -n '__authctx_using client' -l location -d 'Follow redirects (at most 5)'
complete -c authctx -n '__authctx_using client' -l no-channel-bindings -d 'https: send no channel bindings'

# decode, replay, doctor.
complete -c authctx -n '__authctx_using decode' -l in -x -a 'auto raw base64 hex header' -d 'Input form'
complete -c authctx -n '__authctx_using decode' -l keytab -r -F -d 'Decrypt with the keys in this keytab'
complete -c authctx -n '__authctx_using decode' -l password-file -r -F -d 'Decrypt with keys from this password file'
complete -c authctx -n '__authctx_using decode' -l principal -x -d 'The account the password belongs to'
complete -c authctx -n '__authctx_using decode' -l salt -x -d 'Salt instead of the one --principal implies'
complete -c authctx -n '__authctx_using decode' -l key -x -d 'Decrypt with this key, ENCTYPE:HEX'
complete -c authctx -n '__authctx_using decode' -F
complete -c authctx -n '__authctx_using replay' -F
complete -c authctx -n '__authctx_using doctor' -l target -x -d 'Also check this service'
complete -c authctx -n '__authctx_using doctor' -l target-type -x -a 'hostbased principal user' -d 'How --target is read'
complete -c authctx -n '__authctx_using doctor' -l keytab -r -F -d 'Keytab to check'
complete -c authctx -n '__authctx_using doctor' -l ccache -r -F -d 'Credential cache to check'

# lab up/down/env/exec/demo.
complete -c authctx -n '__authctx_using lab' -a up -d 'Make a throwaway realm'
complete -c authctx -n '__authctx_using lab' -a down -d 'Stop a lab and remove its folder'
complete -c authctx -n '__authctx_using lab' -a env -d 'Print export lines for eval'
complete -c authctx -n '__authctx_using lab' -a exec -d 'Run a command in a fresh lab'
complete -c authctx -n '__authctx_using lab' -a demo -d 'Server and client in a fresh lab'
complete -c authctx -n '__authctx_using lab' -a ad -d 'Active Directory knobs on a samba lab'
for c in up down env exec demo ad
    complete -c authctx -n "__authctx_using lab $c" -s h -l help -d 'Print help and exit'
end
for c in up down env exec
    complete -c authctx -n "__authctx_using lab $c" -l dir -x -a '(__fish_complete_directories)' -d 'The lab folder'
end
complete -c authctx -n '__authctx_using lab up' -l port -x -d 'KDC port on 127.0.0.1'
complete -c authctx -n '__authctx_using lab demo' -l mech -x -a 'krb5 spnego ntlm iakerb' -d 'Mechanism'
complete -c authctx -n '__authctx_using lab demo' -l without-krb5 -d 'No Kerberos ticket: SPNEGO falls back to NTLM'
for c in up exec demo
    set -l n "__authctx_using lab $c"
    complete -c authctx -n $n -l kdc -x -a 'mit samba' -d 'KDC: mit, or samba (an Active Directory DC; root)'
    complete -c authctx -n $n -l address -x -d 'samba: the DC address 127.0.0.N'
end

# lab ad enctypes/rekey/spn/delegation/ldap-signing.
complete -c authctx -n '__authctx_using lab ad' -a enctypes -d "Set an account's msDS-SupportedEncryptionTypes"
complete -c authctx -n '__authctx_using lab ad' -a rekey -d 'New random password for an account (stale keytab)'
complete -c authctx -n '__authctx_using lab ad' -a spn -d 'Add (even a duplicate) or remove an SPN'
complete -c authctx -n '__authctx_using lab ad' -a delegation -d 'Sensitive account or trusted for delegation'
complete -c authctx -n '__authctx_using lab ad' -a ldap-signing -d 'Require or relax LDAP signing'
for c in enctypes rekey spn delegation ldap-signing
    set -l n "__authctx_using lab ad $c"
    complete -c authctx -n $n -s h -l help -d 'Print help and exit'
    complete -c authctx -n $n -l dir -x -a '(__fish_complete_directories)' -d 'The AD lab folder'
end
for c in enctypes rekey spn delegation
    complete -c authctx -n "__authctx_using lab ad $c" -l account -x -a 'alice hostsvc websvc Administrator dc1\$' -d 'The account'
end
complete -c authctx -n '__authctx_using lab ad enctypes' -l enctypes -x -a 'aes rc4 aes256 aes128 rc4,aes default' -d 'Encryption types'
complete -c authctx -n '__authctx_using lab ad rekey' -l update-keytab -d 'Also add the new keys to the keytab'
complete -c authctx -n '__authctx_using lab ad spn' -l add -x -d 'SPN to add'
complete -c authctx -n '__authctx_using lab ad spn' -l remove -x -d 'SPN to remove'
complete -c authctx -n '__authctx_using lab ad delegation' -l sensitive -x -a 'on off' -d 'Sensitive and cannot be delegated'
complete -c authctx -n '__authctx_using lab ad delegation' -l trusted -x -a 'on off' -d 'Trusted for delegation'
complete -c authctx -n '__authctx_using lab ad ldap-signing' -l mode -x -a 'require relax' -d 'LDAP signing'
