-- wrk script: every request is a different signed-in viewer, asking as a browser asks.
--
--   wrk -t2 -c16 -d8s -s bench/viewers.lua URL -- COOKIES_FILE [ACCEPT_ENCODING]
--
-- COOKIES_FILE holds one "eplatform_session=…" per line (bench/signin writes it).
-- Each request carries the next viewer's cookie, round-robin, each wrk thread starting
-- at a different viewer; with ACCEPT_ENCODING (e.g. "gzip, br") it is sent too. The
-- requests are formatted once in init, so wrk spends no more per request than with a
-- fixed header, and the same script drives the ceiling server for a fair comparison.

local threads = 0

function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

local requests = {}
local i = 0

function init(args)
  local file, encoding = args[1], args[2]
  for line in io.lines(file) do
    if line ~= "" then
      local headers = { Cookie = line }
      if encoding and encoding ~= "" then
        headers["Accept-Encoding"] = encoding
      end
      requests[#requests + 1] = wrk.format(nil, nil, headers)
    end
  end
  if #requests == 0 then
    error("no cookies in " .. tostring(file))
  end
  -- offset was set by setup in this thread's Lua state before init ran.
  i = ((offset or 0) * 997) % #requests
end

function request()
  i = i % #requests + 1
  return requests[i]
end
