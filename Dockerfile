# One image for both roles of HotlineGrains:
#   gateway (default command): dotnet /app/gateway/HotlineGrains.Gateway.dll, working directory /app/gateway
#   headless silo:             dotnet /app/silo/HotlineGrains.Silo.dll, working directory /app/silo
# k8s/base picks the role per Deployment; settings come from the environment (README, Configuration).
#
#   docker build -t hotline-grains:dev .

# The pages' browser libraries (src/Gateway/ClientApp): the gateway's build would run `npm ci`
# itself, but the .NET SDK image has no Node.js, so it runs here and the result is copied in.
FROM node:22.12.0-bookworm-slim AS clientapp
WORKDIR /src/ClientApp
COPY src/Gateway/ClientApp/package.json src/Gateway/ClientApp/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
COPY --from=clientapp /src/ClientApp/node_modules src/Gateway/ClientApp/node_modules/
# node_modules newer than the lockfile: the build's RestoreClientApp target (npm ci) is up to date
# and skipped; CopyClientLibraries still copies the browser files to wwwroot/lib.
RUN touch src/Gateway/ClientApp/node_modules/.npm-ci.stamp
RUN dotnet restore src/Gateway/HotlineGrains.Gateway.csproj \
 && dotnet restore src/Silo/HotlineGrains.Silo.csproj
RUN dotnet publish src/Gateway/HotlineGrains.Gateway.csproj -c Release --no-restore -p:UseAppHost=false -o /out/gateway \
 && dotnet publish src/Silo/HotlineGrains.Silo.csproj -c Release --no-restore -p:UseAppHost=false -o /out/silo

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12 AS runtime
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    ASPNETCORE_HTTP_PORTS=8080
COPY --from=build /out/gateway /app/gateway/
COPY --from=build /out/silo /app/silo/
WORKDIR /app/gateway
# The non-root user of the .NET images (UID 1654); the manifests run as it with a read-only root.
USER $APP_UID
# 8080: HTTP (gateway); 11111: silo to silo; 30000: Orleans clients to silos.
EXPOSE 8080 11111 30000
CMD ["dotnet", "/app/gateway/HotlineGrains.Gateway.dll"]
