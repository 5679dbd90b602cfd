{{/* The name label: nameOverride or "redis", so selectors of a Bitnami release keep matching. */}}
{{- define "kv.name" -}}
{{- .Values.nameOverride | default "redis" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Object name prefix, derived as Bitnami derives it. */}}
{{- define "kv.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else if contains (include "kv.name" .) .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "kv.name" .) | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels used as selectors: Bitnami's set (component master, replica or node). */}}
{{- define "kv.selectorLabels" -}}
{{ include "kv.componentSelectorLabels" (dict "root" . "component" "master") }}
{{- end -}}

{{/* The selector labels of one component; argument: dict root, component. */}}
{{- define "kv.componentSelectorLabels" -}}
{{ include "kv.instanceSelectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every KV pod of the release, whatever its component (the master proxy has another name label). */}}
{{- define "kv.instanceSelectorLabels" -}}
app.kubernetes.io/name: {{ include "kv.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}

{{/* What the headless and metrics Services select: the master alone, or all KV pods. */}}
{{- define "kv.podsSelectorLabels" -}}
{{- if eq .Values.architecture "standalone" -}}
{{ include "kv.selectorLabels" . }}
{{- else -}}
{{ include "kv.instanceSelectorLabels" . }}
{{- end -}}
{{- end -}}

{{- define "kv.labels" -}}
{{ include "kv.componentLabels" (dict "root" . "component" "master") }}
{{- end -}}

{{/* All labels of one component's objects; argument: dict root, component. */}}
{{- define "kv.componentLabels" -}}
{{ include "kv.componentSelectorLabels" . }}
{{ include "kv.commonLabels" .root }}
{{- end -}}

{{- define "kv.commonLabels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "kv.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The image; fails, naming the value, when no repository is set. */}}
{{- define "kv.image" -}}
{{- $repo := .Values.image.repository -}}
{{- if not $repo -}}
{{- fail "image.repository is not set: set it to the image the release workflow publishes (--set image.repository=<owner>/<repo> for ghcr.io/<owner>/<repo>, or install the chart published with the release, which names it)" -}}
{{- end -}}
{{- include "kv.imageName" (dict "image" .Values.image "global" .Values.global "defaultTag" .Chart.AppVersion) -}}
{{- end -}}

{{/* registry/repository:tag or @digest; argument: dict image, global, defaultTag. */}}
{{- define "kv.imageName" -}}
{{- $registry := .global.imageRegistry | default .image.registry -}}
{{- $name := ternary (printf "%s/%s" $registry .image.repository) .image.repository (ne $registry "") -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $name .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (.image.tag | default .defaultTag | toString) -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the password and its key. */}}
{{- define "kv.secretName" -}}
{{- .Values.auth.existingSecret | default (include "kv.fullname" .) -}}
{{- end -}}
{{- define "kv.secretKey" -}}
{{- if .Values.auth.existingSecret -}}{{ .Values.auth.existingSecretPasswordKey | default "redis-password" }}{{- else -}}redis-password{{- end -}}
{{- end -}}

{{/* Refusals: what this chart cannot do, with the reason. */}}
{{- define "kv.checks" -}}
{{- if and .Values.sentinel.enabled (ne .Values.architecture "replication") -}}
{{- fail "sentinel.enabled needs architecture=replication (Sentinel watches a master and its replicas)" -}}
{{- end -}}
{{- if and .Values.sentinel.enabled (gt (int .Values.sentinel.quorum) (int .Values.replica.replicaCount)) -}}
{{- fail (printf "sentinel.quorum=%d is more than the %d Sentinels (replica.replicaCount): no failover could ever be agreed" (int .Values.sentinel.quorum) (int .Values.replica.replicaCount)) -}}
{{- end -}}
{{- end -}}

{{/* The pods' DNS domain: <pod>.<this>. */}}
{{- define "kv.headlessDomain" -}}
{{- printf "%s-headless.%s.svc.%s" (include "kv.fullname" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{/* The node layout: replication with Sentinel. */}}
{{- define "kv.sentinelLayout" -}}
{{- if and (eq .Values.architecture "replication") .Values.sentinel.enabled -}}true{{- end -}}
{{- end -}}

{{/* The redis.conf text of master or replica pods; argument: dict values, key (master|replica),
common, owned (the directives the chart sets itself, refused in the configuration texts). */}}
{{- define "kv.confText" -}}
# Rendered by the kv Helm chart: what the Bitnami image sets itself (port, dir, bind,
# protected-mode), then commonConfiguration, {{ .key }}.configuration, {{ .key }}.disableCommands.
port {{ .values.containerPorts.redis }}
dir /data
bind 0.0.0.0
protected-mode no
{{- range $text := list .common .values.configuration }}
{{- range $line := splitList "\n" (toString $text) }}
{{- $directive := regexFind "^\\s*[A-Za-z-]+" $line | trim | lower }}
{{- if has $directive $.owned }}
{{- fail (printf "`%s` in commonConfiguration/master.configuration/replica.configuration is set by the chart (use *.containerPorts.redis / auth.* / architecture)" $directive) }}
{{- end }}
{{- if $line }}
{{ $line }}
{{- end }}
{{- end }}
{{- end }}
{{- range .values.disableCommands }}
rename-command {{ . }} ""
{{- end }}
{{- end -}}

{{/* The master proxy's pods: another name label, so the KV pods' selectors never match them. */}}
{{- define "kv.proxySelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-master-proxy" (include "kv.name" .) | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: master-proxy
{{- end -}}

{{- define "kv.proxyLabels" -}}
{{ include "kv.proxySelectorLabels" . }}
{{ include "kv.commonLabels" . }}
{{- end -}}
