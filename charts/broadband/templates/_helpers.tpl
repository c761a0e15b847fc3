{{/* Name prefix of every object: the release name, cut to fit Kubernetes' limits. */}}
{{- define "broadband.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "broadband.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "broadband.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "broadband.tag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "broadband.operatorImage" -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.operator.repository (include "broadband.tag" .) -}}
{{- end -}}

{{- define "broadband.programImage" -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.program.repository (include "broadband.tag" .) -}}
{{- end -}}

{{- define "broadband.checkPorts" -}}
{{- if ne (int .Values.ports.control) (add (int .Values.ports.data) 1 | int) -}}
{{- fail "ports.control must be ports.data + 1: the operator hands out port slots that way" -}}
{{- end -}}
{{- /* Slot i uses data + 3i, data + 3i + 1 and status + 3i, on the sender's node; agents share nodes with senders. */ -}}
{{- $health := int .Values.agent.healthPort -}}
{{- $slots := int .Values.operator.portSlots -}}
{{- range $base := list (int .Values.ports.data) (int .Values.ports.control) (int .Values.ports.status) -}}
{{- if and (ge $health $base) (lt $health (add $base (mul 3 $slots) | int)) (eq (mod (sub $health $base) 3) 0) -}}
{{- fail (printf "agent.healthPort %d is one of the broadcasts' ports (ports.* and operator.portSlots): choose another" $health) -}}
{{- end -}}
{{- end -}}
{{- end -}}
