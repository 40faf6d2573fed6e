# Peixun: multi-stage build. The final image runs as a non-root user and carries the Debian font
# that certificates need (the repository ships no font).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/peixun ./cmd/peixun

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata fonts-arphic-gbsn00lp wget \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/peixun --create-home peixun
COPY --from=build /out/peixun /usr/local/bin/peixun
USER peixun
WORKDIR /var/lib/peixun
ENV PEIXUN_ADDR=:8080 \
    PEIXUN_DATABASE_URL=sqlite://data/peixun.db \
    PEIXUN_BLOB_URL=file:///var/lib/peixun/data/blobs \
    PEIXUN_CERT_FONT=/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf \
    PEIXUN_LOG_FORMAT=json
VOLUME ["/var/lib/peixun/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["peixun"]
CMD ["serve"]
