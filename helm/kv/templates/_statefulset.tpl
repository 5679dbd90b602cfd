{{/*
A StatefulSet of KV pods; argument: dict
  root       the chart's context
  values     .Values.master or .Values.replica
  suffix     the name after <fullname>-: master, replicas or node
  component  the app.kubernetes.io/component label: master, replica or node
  replicas   the pod count
  config     the config file KV starts with
  kvArgs     flags after --requirepass (masterauth, replicaof)
  sentinel   true in the node layout: the start-node.sh init container and a sentinel container
*/}}
{{- define "kv.statefulset" -}}
{{- $root := .root }}
{{- $m := .values }}
{{- $sentinel := .sentinel }}
{{- $fullname := include "kv.fullname" $root }}
{{- $component := dict "root" $root "component" .component }}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $fullname }}-{{ .suffix }}
  labels:
    {{- include "kv.componentLabels" $component | nindent 4 }}
  {{- include "kv.annotations" $root | nindent 2 }}
spec:
  replicas: {{ .replicas }}
  serviceName: {{ $fullname }}-headless
  podManagementPolicy: {{ $m.podManagementPolicy | default "OrderedReady" }}
  updateStrategy:
    type: RollingUpdate
  selector:
    matchLabels:
      {{- include "kv.componentSelectorLabels" $component | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "kv.componentLabels" $component | nindent 8 }}
        {{- with $m.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- if $sentinel }}
        checksum/scripts: {{ include (print $root.Template.BasePath "/scripts-configmap.yaml") $root | sha256sum }}
        {{- end }}
        {{- with $m.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      terminationGracePeriodSeconds: {{ $m.terminationGracePeriodSeconds }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- $pullSecrets := concat $root.Values.global.imagePullSecrets $root.Values.image.pullSecrets }}
      {{- if $pullSecrets }}
      imagePullSecrets:
        {{- range $pullSecrets }}
        - name: {{ if kindIs "string" . }}{{ . }}{{ else }}{{ .name }}{{ end }}
        {{- end }}
      {{- end }}
      {{- if $m.podSecurityContext.enabled }}
      securityContext:
        {{- toYaml (omit $m.podSecurityContext "enabled") | nindent 8 }}
      {{- end }}
      {{- with $m.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $m.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $m.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $sentinel }}
      initContainers:
        {{- include "kv.startNodeContainer" $root | nindent 8 }}
      {{- end }}
      containers:
        # named like the StatefulSet: `kubectl set image statefulset/{{ $fullname }}-{{ .suffix }} {{ $fullname }}-{{ .suffix }}=...`
        - name: {{ $fullname }}-{{ .suffix }}
          image: {{ include "kv.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args:
            - {{ .config }}
            {{- if $root.Values.auth.enabled }}
            - --requirepass
            - $(REDIS_PASSWORD)
            {{- end }}
            {{- range .kvArgs }}
            - {{ . | quote }}
            {{- end }}
            {{- if ne (int $m.managementPort) 9000 }}
            - --management-port
            - {{ $m.managementPort | quote }}
            {{- end }}
            {{- range $m.extraFlags }}
            - {{ . | toString | quote }}
            {{- end }}
          env:
            # the image's one heap knob (kv-entrypoint.sh): heap, direct memory and metaspace
            # stay inside resources.limits.memory
            - name: KVAPP_HEAP_PERCENT
              value: {{ $m.heapPercentage | quote }}
            {{- if $root.Values.auth.enabled }}
            - name: REDIS_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ include "kv.secretName" $root }}
                  key: {{ include "kv.secretKey" $root }}
            {{- end }}
            {{- with $m.extraEnvVars }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: redis
              containerPort: {{ $m.containerPorts.redis }}
              protocol: TCP
            - name: management
              containerPort: {{ $m.managementPort }}
              protocol: TCP
          {{- range $probe, $path := dict "startupProbe" "/q/health/started" "livenessProbe" "/q/health/live" "readinessProbe" "/q/health/ready" }}
          {{- $p := index $m $probe }}
          {{- if $p.enabled }}
          {{ $probe }}:
            httpGet:
              path: {{ $path }}
              port: management
            {{- toYaml (omit $p "enabled") | nindent 12 }}
          {{- end }}
          {{- end }}
          resources:
            {{- toYaml $m.resources | nindent 12 }}
          {{- if $m.containerSecurityContext.enabled }}
          securityContext:
            {{- toYaml (omit $m.containerSecurityContext "enabled") | nindent 12 }}
          {{- end }}
          volumeMounts:
            - name: redis-data
              mountPath: /data
            - name: config
              mountPath: /etc/kv
              readOnly: true
            - name: tmp
              mountPath: /tmp
            {{- if $sentinel }}
            # written by start-node.sh; writable for CONFIG REWRITE, which Sentinel sends on failover
            - name: node-conf
              mountPath: /run/kv
            {{- end }}
        {{- if $sentinel }}
        {{- include "kv.sentinelContainer" $root | nindent 8 }}
        {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ $fullname }}-configuration
            defaultMode: 0444
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- if $sentinel }}
        - name: scripts
          configMap:
            name: {{ $fullname }}-scripts
            defaultMode: 0555
        - name: node-conf
          emptyDir:
            medium: Memory
            sizeLimit: 1Mi
        - name: sentinel-conf
          emptyDir:
            medium: Memory
            sizeLimit: 1Mi
        {{- end }}
        {{- if not $m.persistence.enabled }}
        - name: redis-data
          emptyDir: {}
        {{- else if $m.persistence.existingClaim }}
        - name: redis-data
          persistentVolumeClaim:
            claimName: {{ $m.persistence.existingClaim }}
        {{- end }}
  {{- if and $m.persistence.enabled (not $m.persistence.existingClaim) }}
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: redis-data
        labels:
          {{- include "kv.componentSelectorLabels" $component | nindent 10 }}
          {{- with $m.persistence.labels }}
          {{- toYaml . | nindent 10 }}
          {{- end }}
        {{- with $m.persistence.annotations }}
        annotations:
          {{- toYaml . | nindent 10 }}
        {{- end }}
      spec:
        accessModes:
          {{- toYaml $m.persistence.accessModes | nindent 10 }}
        {{- with ($m.persistence.storageClass | default $root.Values.global.defaultStorageClass | default $root.Values.global.storageClass) }}
        storageClassName: {{ if eq . "-" }}""{{ else }}{{ . | quote }}{{ end }}
        {{- end }}
        resources:
          requests:
            storage: {{ $m.persistence.size | quote }}
  {{- end }}
{{- end -}}
