"""Scrapy settings for Kronika: polite by default, quiet logs, one archive pipeline."""

BOT_NAME = "kronika"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    "Kronika/0.1 (archiwum aktualności instytucji publicznych; "
    "+https://github.com/kronika-archiwum/kronika)"
)
ROBOTSTXT_OBEY = True

# Politeness: at most two requests in flight per host, throttled by observed latency.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
# Requests for attachments are never made; keep link depth bounded all the same.
DEPTH_LIMIT = 0
COOKIES_ENABLED = False
# Items processed in parallel per response. An article page yields one or two; Scrapy starts
# this many tasks for every response whatever it yields, and at the default (100) that was a
# third of the crawler's CPU (bench/crawl.py).
CONCURRENT_ITEMS = 8
TELNETCONSOLE_ENABLED = False
HTTPERROR_ALLOW_ALL = False

ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
# After decompression (590), before anything else sees the response: the raw capture.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.WarcCaptureMiddleware": 585,
    # Scrapy's retries, with a wait between attempts (Scrapy's own retries at once).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # Before decompression (590) sees the body: a cut-off gzip stream is refused.
    "crawler.middlewares.CompressedBodyCheckMiddleware": 595,
}

LOG_LEVEL = "WARNING"

# Kronika's own settings.
KRONIKA_DB = "archive.db"
KRONIKA_SOURCES = "sources.toml"
KRONIKA_MAX_PAGES = 5000  # requests per source per run
KRONIKA_MAX_LISTING_PAGES = 300  # listing pages followed per news URL
# Incremental runs: after a completed run, a listing stops after this many pages whose
# articles are all known already (a killed run is followed by a full walk instead).
KRONIKA_OVERLAP_PAGES = 1
KRONIKA_RECHECK = False  # revalidate every known article with a conditional request
KRONIKA_WARC_DIR = ""  # raw captures; empty: beside the archive (archive.db -> archive.warc/)
KRONIKA_WARC_MAX_MB = 100  # a WARC file is closed and a new one started past this size
# Worker processes that extract pages while the crawler fetches (0: extract in the crawler's
# own process). One keeps both cores of a 2-core machine busy (bench/crawl.py).
KRONIKA_EXTRACT_WORKERS = 1
# Seconds a worker may spend on one page before it is stopped and the page recorded as an
# error (a page that sends the extractor into a loop must not hang the crawl).
KRONIKA_EXTRACT_TIMEOUT = 60.0
# Pages read in the crawler's own process before the workers start. On real sites workers
# start at once, so every page has the time limit above; a crawl of this machine's own test
# and demo sites reads its first 100 pages here, as starting a worker costs about two
# seconds (a new interpreter, the dictionaries) and such crawls are over in a few.
KRONIKA_WORKER_AFTER_PAGES = 0
KRONIKA_RETRY_BACKOFF = 2.0  # seconds before the first retry, doubled for each next one
KRONIKA_RETRY_MAX_WAIT = 60.0  # longest wait before a retry, whatever Retry-After asks
