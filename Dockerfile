# syntax=docker/dockerfile:1
# Build stage: restore with only the project files first, so the package layer is cached between code changes.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig Marketplace.slnx ./
COPY api/Api.csproj api/
COPY src/Platform/Platform.csproj src/Platform/
COPY src/Identity/Identity.csproj src/Identity/
COPY src/Catalog/Catalog.csproj src/Catalog/
COPY src/Config/Config.csproj src/Config/
RUN dotnet restore api/Api.csproj
COPY api/ api/
COPY src/ src/
RUN dotnet publish api/Api.csproj -c Release -o /app --no-restore -warnaserror

# Runtime stage: the ASP.NET Core runtime only, running as the image's non-root user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The file source of the runtime rules, used when Config:Consul:Address is not set.
COPY config/runtime/ ./config/runtime/
# The data directory (last good runtime rules) belongs to the app user, so a volume mounted there does too.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_gcServer=1
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["dotnet", "Marketplace.Api.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "Marketplace.Api.dll"]
