# syntax=docker/dockerfile:1
#
# E-Platform as a container: one static binary on a distroless base.
#
#   docker build -t eplatform .
#   docker run -d --name eplatform -p 127.0.0.1:8080:8080 -v eplatform-data:/data \
#     -e EPLATFORM_BASE_URL=https://learn.example.org eplatform
#
# Configuration is the usual flags or EPLATFORM_* variables (README, "Configuration");
# flags after the image name are passed to `eplatform serve`. Other commands run in the
# same container, e.g. `docker exec eplatform /eplatform backup /data/backup.db`.
# deploy/ has a systemd unit and Caddy/nginx examples; deploy/deploy_test.go builds
# from exactly what .dockerignore lets into this build.

# The toolchain matches go.mod's go line (deploy_test.go checks this). The build runs on
# the builder's own platform and cross-compiles: the code is pure Go (modernc.org/sqlite),
# so CGO_ENABLED=0 gives a static binary for any target.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# Templates are generated (*_templ.go is committed), so no templ step is needed.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/eplatform . \
 && mkdir /out/data

# distroless/static: CA certificates (SMTP over STARTTLS, rediss://), tzdata, a
# /tmp with mode 1777 (large multipart uploads spill there) and the "nonroot" user
# 65532 — no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/eplatform /eplatform
# An empty /data owned by the app: a new named volume takes this ownership.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
VOLUME /data
# Inside the container the server listens on every interface; publish the port on the
# host's loopback (as above) and put a TLS proxy in front.
ENV EPLATFORM_ADDR=0.0.0.0:8080 \
    EPLATFORM_DATA=/data
EXPOSE 8080
# `eplatform healthcheck` reads EPLATFORM_ADDR (a wildcard is probed on loopback) and
# exits 0 only when /healthz answers 200, i.e. the database answers.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["/eplatform", "healthcheck"]
# `docker stop` sends SIGTERM: the server lets in-flight requests finish for up to
# 20 s and closes the database cleanly; give it that time with `docker stop -t 30`.
ENTRYPOINT ["/eplatform"]
CMD ["serve"]
