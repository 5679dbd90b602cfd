{{/* A PodDisruptionBudget; argument: dict root, pdb (values), suffix, component. */}}
{{- define "kv.pdb" -}}
{{- if .pdb.create }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "kv.fullname" .root }}-{{ .suffix }}
  labels:
    {{- include "kv.componentLabels" (dict "root" .root "component" .component) | nindent 4 }}
  {{- include "kv.annotations" .root | nindent 2 }}
spec:
  {{- if .pdb.minAvailable }}
  minAvailable: {{ .pdb.minAvailable }}
  {{- end }}
  {{- if or .pdb.maxUnavailable (not .pdb.minAvailable) }}
  {{- /* Bitnami's default: one pod may go, so node drains and upgrades are not blocked */}}
  maxUnavailable: {{ .pdb.maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "kv.componentSelectorLabels" (dict "root" .root "component" .component) | nindent 6 }}
{{- end }}
{{- end -}}
