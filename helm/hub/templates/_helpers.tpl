{{/* The release's base name: the release name if it contains the chart name, else <release>-hub. */}}
{{- define "hub.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels every object of the release carries. */}}
{{- define "hub.commonLabels" -}}
{{ include "hub.metaLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "hub.metaLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: hub
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Labels of one service's objects; call with (dict "root" $ "name" "intake"). The job label of
     its metrics is app.kubernetes.io/name: hub-<service>, as in deploy/prometheus. */}}
{{- define "hub.labels" -}}
{{ include "hub.metaLabels" .root }}
{{ include "hub.selectorLabels" . }}
{{- end -}}

{{- define "hub.selectorLabels" -}}
app.kubernetes.io/name: hub-{{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* <fullname>-<service> */}}
{{- define "hub.serviceName" -}}
{{ include "hub.fullname" .root }}-{{ .name }}
{{- end -}}

{{- define "hub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "hub.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image of a service; call with (dict "root" $ "name" "intake" "svc" $svc). */}}
{{- define "hub.image" -}}
{{- $image := merge (dict) (.svc.image | default dict) .root.Values.image -}}
{{- $tag := $image.tag | default .root.Chart.AppVersion -}}
{{- if $image.registry -}}
{{ $image.registry }}/{{ $image.repository }}/{{ .name }}:{{ $tag }}
{{- else -}}
{{ $image.repository }}/{{ .name }}:{{ $tag }}
{{- end -}}
{{- end -}}

{{/* True when a monitoring.coreos.com/v1 kind is to be rendered; call with (dict "root" $ "enabled" <value> "kind" "ServiceMonitor"). */}}
{{- define "hub.monitoringEnabled" -}}
{{- $enabled := toString .enabled -}}
{{- if eq $enabled "true" -}}
true
{{- else if and (eq $enabled "auto") (.root.Capabilities.APIVersions.Has (printf "monitoring.coreos.com/v1/%s" .kind)) -}}
true
{{- end -}}
{{- end -}}

{{/* The gRPC health probe of a service; call with (dict "root" $ "svc" $svc "service" <health service name or "">). */}}
{{- define "hub.probe" -}}
{{- $p := .root.Values.probes -}}
{{- if eq $p.kind "grpc" }}
grpc:
  port: {{ .root.Values.ports.grpc }}
  service: {{ .service | quote }}
  {{- with $p.grpcMode }}
  mode: {{ . }}
  {{- end }}
{{- else if eq $p.kind "exec" }}
exec:
  command:
    - /usr/local/bin/grpc_health_probe
    - -addr=127.0.0.1:{{ .root.Values.ports.grpc }}
    - -service={{ .service }}
    - -tls
    - -tls-no-verify
    - -connect-timeout=2s
    - -rpc-timeout=2s
{{- else }}
{{- fail (printf "probes.kind must be exec or grpc, not %q" $p.kind) }}
{{- end }}
timeoutSeconds: {{ $p.timeoutSeconds }}
periodSeconds: {{ $p.periodSeconds }}
{{- end -}}
