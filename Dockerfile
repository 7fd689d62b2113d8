# A small, static, non-root image of runbook-translator.
#   docker build -t runbook-translator .
#   trivy config -f json k8s | docker run --rm -i -v "$PWD:/work" -w /work runbook-translator review
# The build stage needs only the Go module proxy; the final image has no shell
# and runs as the distroless "nonroot" user (uid 65532).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
RUN CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X main.Version=${VERSION} -X main.Commit=${COMMIT} -X main.Date=${DATE}" \
    -o /out/runbook-translator ./cmd/runbook-translator

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/runbook-translator /usr/local/bin/runbook-translator
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/runbook-translator"]
CMD ["--help"]
