{{/* The Sentinel image (the real redis-sentinel; also provides sh and redis-cli to start-node.sh). */}}
{{- define "kv.sentinelImage" -}}
{{- include "kv.imageName" (dict "image" .Values.sentinel.image "global" .Values.global "defaultTag" "7.2") -}}
{{- end -}}

{{/* REDIS_PASSWORD (the data password) and SENTINEL_PASSWORD (auth.sentinel) from the Secret. */}}
{{- define "kv.sentinelPasswordEnv" -}}
{{- if .Values.auth.enabled -}}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "kv.secretName" . }}
      key: {{ include "kv.secretKey" . }}
{{- if .Values.auth.sentinel }}
- name: SENTINEL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "kv.secretName" . }}
      key: {{ include "kv.secretKey" . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The init container deciding whom the node follows (files/start-node.sh). */}}
{{- define "kv.startNodeContainer" -}}
{{- $r := .Values.replica -}}
- name: start-node
  image: {{ include "kv.sentinelImage" . | quote }}
  imagePullPolicy: {{ .Values.sentinel.image.pullPolicy }}
  command:
    - sh
    - /opt/kv/start-node.sh
  env:
    - name: STATEFULSET
      value: {{ include "kv.fullname" . }}-node
    - name: HEADLESS_DOMAIN
      value: {{ include "kv.headlessDomain" . }}
    - name: NODE_COUNT
      value: {{ .Values.replica.replicaCount | quote }}
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    - name: REDIS_PORT
      value: {{ $r.containerPorts.redis | quote }}
    - name: SENTINEL_PORT
      value: {{ .Values.sentinel.containerPorts.sentinel | quote }}
    - name: MASTER_SET
      value: {{ .Values.sentinel.masterSet | quote }}
    - name: QUORUM
      value: {{ .Values.sentinel.quorum | quote }}
    - name: DOWN_AFTER_MILLISECONDS
      value: {{ .Values.sentinel.downAfterMilliseconds | quote }}
    - name: FAILOVER_TIMEOUT
      value: {{ .Values.sentinel.failoverTimeout | quote }}
    - name: PARALLEL_SYNCS
      value: {{ .Values.sentinel.parallelSyncs | quote }}
    - name: BASE_KV_CONF
      value: /etc/kv/replica.conf
    - name: KV_CONF
      value: /run/kv/kv.conf
    - name: SENTINEL_CONF
      value: /run/sentinel/sentinel.conf
    {{- with include "kv.sentinelPasswordEnv" . }}
    {{- . | nindent 4 }}
    {{- end }}
  resources:
    {{- toYaml .Values.sentinel.resources | nindent 4 }}
  {{- if $r.containerSecurityContext.enabled }}
  securityContext:
    {{- toYaml (omit $r.containerSecurityContext "enabled") | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: scripts
      mountPath: /opt/kv
      readOnly: true
    - name: node-conf
      mountPath: /run/kv
    - name: sentinel-conf
      mountPath: /run/sentinel
{{- end -}}

{{/* The redis-sentinel container of a node pod. */}}
{{- define "kv.sentinelContainer" -}}
{{- $r := .Values.replica -}}
{{- $port := .Values.sentinel.containerPorts.sentinel -}}
- name: sentinel
  image: {{ include "kv.sentinelImage" . | quote }}
  imagePullPolicy: {{ .Values.sentinel.image.pullPolicy }}
  # Sentinel rewrites its file (known replicas and Sentinels, the current master): a writable
  # emptyDir, written afresh by start-node.sh at each pod start
  command:
    - redis-sentinel
    - /run/sentinel/sentinel.conf
  workingDir: /run/sentinel
  {{- if and .Values.auth.enabled .Values.auth.sentinel }}
  env:
    # for the probes' redis-cli
    - name: REDISCLI_AUTH
      valueFrom:
        secretKeyRef:
          name: {{ include "kv.secretName" . }}
          key: {{ include "kv.secretKey" . }}
  {{- end }}
  ports:
    - name: sentinel
      containerPort: {{ $port }}
      protocol: TCP
  {{- range $probe := list "livenessProbe" "readinessProbe" }}
  {{ $probe }}:
    exec:
      command:
        - sh
        - -c
        - redis-cli -p {{ $port }} PING | grep -q PONG
    periodSeconds: {{ ternary 10 5 (eq $probe "livenessProbe") }}
    timeoutSeconds: 5
    failureThreshold: {{ ternary 6 2 (eq $probe "livenessProbe") }}
  {{- end }}
  resources:
    {{- toYaml .Values.sentinel.resources | nindent 4 }}
  {{- if $r.containerSecurityContext.enabled }}
  securityContext:
    {{- toYaml (omit $r.containerSecurityContext "enabled") | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: sentinel-conf
      mountPath: /run/sentinel
{{- end -}}
