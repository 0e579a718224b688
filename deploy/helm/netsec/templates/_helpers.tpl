{{/* Names and labels shared by every object. Kept to the template subset of docs/adr/0004. */}}

{{- define "netsec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "netsec.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "netsec.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "netsec.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "netsec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "netsec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "netsec.labels" -}}
{{ include "netsec.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "netsec.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "netsec.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "netsec.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "netsec.adminSecretName" -}}
{{- default (printf "%s-admin" (include "netsec.fullname" .)) .Values.admin.existingSecret -}}
{{- end -}}

{{/* One NetworkPolicyPeer from {namespaceSelector, podSelector}: both in one element (AND). */}}
{{- define "netsec.peer" -}}
- namespaceSelector: {{- toYaml .namespaceSelector | nindent 4 }}
  podSelector: {{- toYaml .podSelector | nindent 4 }}
{{- end -}}

{{/* Fails the rendering on combinations the schema cannot express clearly. */}}
{{- define "netsec.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.store.postgresql.enabled) -}}
{{- fail "replicas > 1 needs store.postgresql.enabled: SQLite allows one writer" -}}
{{- end -}}
{{- if and .Values.store.postgresql.enabled (not .Values.store.postgresql.existingSecret) -}}
{{- fail "store.postgresql.existingSecret must name the Secret holding the postgres:// URL" -}}
{{- end -}}
{{- if and .Values.kubernetes.liveModel.enabled .Values.networkPolicy.enabled (not .Values.networkPolicy.kubernetesApi.cidrs) -}}
{{- fail "kubernetes.liveModel needs networkPolicy.kubernetesApi.cidrs (the API server's endpoint addresses)" -}}
{{- end -}}
{{- end -}}

{{/* netsec.yaml: the user's config plus the live cluster model section. */}}
{{- define "netsec.configYaml" -}}
# netsec.yaml (docs/configuration.md); HOST, PORT and the store come from the environment.
{{- with .Values.config }}
{{ toYaml . }}
{{- end }}
{{- if .Values.kubernetes.liveModel.enabled }}
kubernetes:
  enabled: true
  inCluster: true
  cluster: {{ .Values.server.cluster | quote }}
{{- end }}
{{- end -}}

{{/* Cluster-scoped names carry the namespace: two releases of the same name must not collide. */}}
{{- define "netsec.clusterScopedPrefix" -}}
{{- printf "%s-%s" .Release.Namespace (include "netsec.fullname" .) | trunc 45 | trimSuffix "-" -}}
{{- end -}}
