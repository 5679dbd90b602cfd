{{/* haproxy.cfg of the master proxy (master-proxy.yaml). */}}
{{- define "kv.haproxyConfig" -}}
{{- $fullname := include "kv.fullname" . }}
{{- $domain := include "kv.headlessDomain" . }}
{{- $redisPort := .Values.replica.containerPorts.redis }}
{{- $sentinelPort := .Values.sentinel.containerPorts.sentinel }}
{{- $auth := .Values.auth.enabled }}
{{- $sentinelAuth := and .Values.auth.enabled .Values.auth.sentinel }}
# The Service {{ $fullname }} for clients without Sentinel support. HAProxy forwards tcp-redis
# to the node that both says role:master (INFO replication) and is the master its own Sentinel
# names (SENTINEL get-master-addr-by-name answers <server name>.<domain>): the first alone also
# passes a demoted master that Sentinel has not reconfigured yet (up to ~10 s after a manual
# failover). Checked every second; the sessions of a node that fails the check are closed, so
# no client keeps writing to a demoted node. tcp-sentinel is spread over the Sentinels.
global
  log stdout format raw local0 notice
  maxconn 4096
defaults
  mode tcp
  log global
  option dontlognull
  timeout connect 3s
  # Redis connections idle for long (pools, SUBSCRIBE, blocking pops)
  timeout client 24h
  timeout server 24h
  timeout check 1s
resolvers cluster
  parse-resolv-conf
  hold valid 1s
  hold nx 1s
listen master
  bind :{{ $redisPort }}
  option tcp-check
  tcp-check connect
{{- if $auth }}
  # AUTH as a RESP array built by the container's command (any password bytes)
  tcp-check send-binary "${REDIS_AUTH_HEX}"
  tcp-check expect string +OK
{{- end }}
  tcp-check send PING\r\n
  tcp-check expect string +PONG
  tcp-check send INFO\ replication\r\n
  tcp-check expect string role:master
  # (no QUIT: Sentinel has no such command; HAProxy closes the connections itself)
  tcp-check connect port {{ $sentinelPort }}
{{- if $sentinelAuth }}
  tcp-check send-binary "${REDIS_AUTH_HEX}"
  tcp-check expect string +OK
{{- end }}
  tcp-check send SENTINEL\ get-master-addr-by-name\ {{ .Values.sentinel.masterSet }}\r\n
  # the server name is the pod name: "<pod>." cannot match another pod (node-1 vs node-10)
  tcp-check expect string-lf "%[srv_name]."
  default-server check inter 1s fall 1 rise 1 on-marked-down shutdown-sessions resolvers cluster init-addr libc,none
{{- range $i := until (int .Values.replica.replicaCount) }}
  server {{ $fullname }}-node-{{ $i }} {{ $fullname }}-node-{{ $i }}.{{ $domain }}:{{ $redisPort }}
{{- end }}
listen sentinel
  bind :{{ $sentinelPort }}
  balance roundrobin
  option tcp-check
  tcp-check connect
{{- if $sentinelAuth }}
  tcp-check send-binary "${REDIS_AUTH_HEX}"
  tcp-check expect string +OK
{{- end }}
  tcp-check send PING\r\n
  tcp-check expect string +PONG
  default-server check inter 2s fall 2 rise 1 resolvers cluster init-addr libc,none
{{- range $i := until (int .Values.replica.replicaCount) }}
  server sentinel-{{ $i }} {{ $fullname }}-node-{{ $i }}.{{ $domain }}:{{ $sentinelPort }}
{{- end }}
{{- end -}}
