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

{{/* Labels used as selectors: Bitnami's set. */}}
{{- define "kv.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kv.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: master
{{- end -}}

{{- define "kv.labels" -}}
{{ include "kv.selectorLabels" . }}
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
{{- $registry := .Values.global.imageRegistry | default .Values.image.registry -}}
{{- $name := ternary (printf "%s/%s" $registry $repo) $repo (ne $registry "") -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $name .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the password and its key. */}}
{{- define "kv.secretName" -}}
{{- .Values.auth.existingSecret | default (include "kv.fullname" .) -}}
{{- end -}}
{{- define "kv.secretKey" -}}
{{- if .Values.auth.existingSecret -}}{{ .Values.auth.existingSecretPasswordKey | default "redis-password" }}{{- else -}}redis-password{{- end -}}
{{- end -}}

{{- define "kv.storageClass" -}}
{{- .Values.master.persistence.storageClass | default .Values.global.defaultStorageClass | default .Values.global.storageClass -}}
{{- end -}}

{{/* Refusals: what this chart cannot do, with the reason. */}}
{{- define "kv.checks" -}}
{{- if ne .Values.architecture "standalone" -}}
{{- fail (printf "architecture=%s: KV has no replication; use architecture=standalone" .Values.architecture) -}}
{{- end -}}
{{- end -}}
