# syntax=docker/dockerfile:1
# Project files only, in their folders: a glob in COPY would flatten src/*/X.csproj into one folder, and a list
# by hand misses the next module (it missed Cart and Pricing). This stage sees every change; the restore layer
# below is reused as long as the project files it copies are unchanged.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /src
COPY api/ api/
COPY src/ src/
RUN find api src -type f ! -name '*.csproj' -delete && find api src -type d -empty -delete

# Build stage: restore with only the project files first, so the package layer is cached between code changes.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig Marketplace.slnx ./
COPY --from=projects /src/ ./
RUN dotnet restore api/Api.csproj --use-current-runtime -p:PublishReadyToRun=true
COPY api/ api/
COPY src/ src/
# ReadyToRun: a replica that starts (a deploy, a crash) takes traffic at once; precompiled code spares it, and its
# neighbours on the same host, the seconds of JIT compilation a cold start otherwise costs.
RUN dotnet publish api/Api.csproj -c Release -o /app --no-restore --use-current-runtime --self-contained false -p:PublishReadyToRun=true -warnaserror

# Runtime stage: the ASP.NET Core runtime only, running as the image's non-root user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The file source of the runtime rules, used when Config:Consul:Address is not set.
COPY config/runtime/ ./config/runtime/
# The data directory (last good runtime rules) belongs to the app user, so a volume mounted there does too.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
# Production refuses to start without Identity:Jwt:SigningKeyPem|SigningKeyPath, Paging:CursorKey and
# Identity:BootstrapAdmin:Email and :Password (docs/security.md); `docker run … --demo` starts the demo storefront with its published passwords.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_gcServer=1
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["dotnet", "Marketplace.Api.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "Marketplace.Api.dll"]
