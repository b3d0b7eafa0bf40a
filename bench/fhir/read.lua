-- GETs /fhir/Patient/<id> for ids read from IDS_FILE, round robin per thread.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local i = 0
request = function()
  i = i + 1
  if i > #ids then i = 1 end
  return wrk.format("GET", "/fhir/Patient/" .. ids[i])
end
