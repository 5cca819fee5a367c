{{/*
Helpers. Templates in this chart use only the functions deploy/helm-render/main.go implements (the subset of
Helm/Sprig listed there), so deploy/test/helm.test.ts renders them with Go's text/template exactly as written.
*/}}

{{- define "ferry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ferry.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "ferry.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "ferry.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ferry.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "ferry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ferry
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "web"). */}}
{{- define "ferry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ferry.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image reference: call with (dict "root" $ "image" .Values.image.web). */}}
{{- define "ferry.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding DATABASE_URL, REDIS_URL, FERRY_SECRET_KEY(_ID/_PREVIOUS), BETTER_AUTH_SECRET. */}}
{{- define "ferry.secretName" -}}
{{- default (include "ferry.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "ferry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ferry.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Environment shared by web and workers: the secrets by reference, the rest as values. */}}
{{- define "ferry.env" -}}
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ include "ferry.secretName" . }}, key: DATABASE_URL } }
- name: REDIS_URL
  valueFrom: { secretKeyRef: { name: {{ include "ferry.secretName" . }}, key: REDIS_URL } }
- name: FERRY_SECRET_KEY
  valueFrom: { secretKeyRef: { name: {{ include "ferry.secretName" . }}, key: FERRY_SECRET_KEY } }
- name: FERRY_SECRET_KEY_ID
  valueFrom: { secretKeyRef: { name: {{ include "ferry.secretName" . }}, key: FERRY_SECRET_KEY_ID, optional: true } }
- name: FERRY_SECRET_KEY_PREVIOUS
  valueFrom: { secretKeyRef: { name: {{ include "ferry.secretName" . }}, key: FERRY_SECRET_KEY_PREVIOUS, optional: true } }
- name: FERRY_REDIS_PREFIX
  value: {{ .Values.config.redisPrefix | quote }}
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "ferry.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "ferry.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Checksum of the chart-managed Secret, so pods restart when a secret value changes. */}}
{{- define "ferry.secretChecksum" -}}
{{- if not .Values.secrets.existingSecret -}}
checksum/secret: {{ toJson .Values.secrets | sha256sum | quote }}
{{- end -}}
{{- end -}}
