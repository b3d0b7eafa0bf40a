# Sourced by the bench scripts: host_env holds the environment that `dotnet run` gives the host, from
# src/Portal.Host/Properties/launchSettings.json (the GC's gen0 budget, see README "Runtime"), for starting the
# published host with `env "${host_env[@]}" dotnet host/Portal.Host.dll`.
host_env=()
while IFS= read -r setting; do
  host_env+=("$setting")
done < <(node -e 'const s = require(process.argv[1]).profiles["Portal.Host"].environmentVariables ?? {};
  for (const [k, v] of Object.entries(s)) console.log(`${k}=${v}`);' "$repo/src/Portal.Host/Properties/launchSettings.json")
