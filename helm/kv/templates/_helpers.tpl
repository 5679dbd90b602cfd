{{/* Object name prefix. */}}
{{- define "kv.fullname" -}}
{{- .Values.fullnameOverride | default .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels used as selectors: Bitnami's set, so existing selectors keep matching. */}}
{{- define "kv.selectorLabels" -}}
app.kubernetes.io/name: {{ .Values.nameLabel | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: master
{{- end -}}

{{- define "kv.labels" -}}
{{ include "kv.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/version: {{ .Values.image.tag | toString | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end -}}

{{/* The Secret holding the password and its key. */}}
{{- define "kv.secretName" -}}
{{- .Values.auth.existingSecret | default .Values.auth.secretName -}}
{{- end -}}
{{- define "kv.secretKey" -}}
{{- if .Values.auth.existingSecret -}}{{ .Values.auth.existingSecretPasswordKey }}{{- else -}}redis-password{{- end -}}
{{- end -}}

{{/* A kv.conf value: "" for an empty string, otherwise as given. */}}
{{- define "kv.confValue" -}}
{{- $s := toString . -}}
{{- if eq $s "" -}}""{{- else -}}{{ $s }}{{- end -}}
{{- end -}}
