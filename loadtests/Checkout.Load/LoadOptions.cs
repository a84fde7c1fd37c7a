using System.Globalization;

namespace Marketplace.Checkout.Load;

/// <summary>What to run, read from <c>--name value</c> arguments; every size and rate of the run is one of these.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        usage: Checkout.Load --scenario throughput|contention|cluster [options]
          --url http://127.0.0.1:5080   the API
          --label checkout              the scenario name on the RESULT line (checkout, checkout-embedded, overload…)
         throughput (open model: checkouts start on schedule whatever the answers):
          --rate 300                    checkouts started per second
          --duration 30                 seconds of measured load (carts made: rate × duration)
          --warmup 200                  checkouts made first, not measured (JIT, connection pools, caches)
          --lines 5 --sellers 3         lines per cart, spread over this many sellers
          --offers-per-seller 100       offers each bench seller puts up (SKUs of the seeded catalog, 1,000,000 units each)
          --target-rps 300 --target-p95-ms 100   print a TARGET line with PASS/FAIL against these
          --cpu-pid 1234                the API's process: the RESULT line gives its CPU per placed checkout (Linux)
         cluster (checkouts at --rate, retried under their key as a client would, and reads, through the balancer):
          --read-rate 200               product and listing pages read per second beside the checkouts
          --record attempts.tsv         every attempt: kind, key, wall-clock send time, attempt number, status, code
          --ready-file ready            written (with the wall-clock time) when the measured phase starts
         contention:
          --buyers 500 --units 10       buyers of one unit each racing for an offer of this many units
         setup:
          --setup-concurrency 16        parallel requests while carts are made and quoted
          --timeout 30                  seconds before a request counts as an error
          --trust-cert tls.crt          accept this (self-signed) certificate from an https --url
          --http 1.1                    the HTTP version: 1.1, or 2 (as browsers speak to a TLS balancer; needs an https --url)
        """;

    public string Scenario { get; init; } = "throughput";
    public Uri BaseUrl { get; init; } = new("http://127.0.0.1:5080");
    public string Label { get; init; } = "checkout";
    public double Rate { get; init; } = 300;
    public double DurationSeconds { get; init; } = 30;
    public int Warmup { get; init; } = 200;
    public int Lines { get; init; } = 5;
    public int Sellers { get; init; } = 3;
    public int OffersPerSeller { get; init; } = 100;
    public double? TargetRps { get; init; }
    public double? TargetP95Ms { get; init; }
    public int Buyers { get; init; } = 500;
    public int Units { get; init; } = 10;
    public int SetupConcurrency { get; init; } = 16;
    public double ReadRate { get; init; } = 200;
    public string? RecordFile { get; init; }
    public string? ReadyFile { get; init; }
    public string? TrustCertificate { get; init; }
    public double TimeoutSeconds { get; init; } = 30;
    public int? CpuPid { get; init; }
    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version11;

    /// <summary>Carts the measured phase consumes: one per scheduled checkout.</summary>
    public int MeasuredCheckouts => (int)Math.Ceiling(Rate * DurationSeconds);

    public static LoadOptions? Parse(string[] args, out string error)
    {
        var options = new LoadOptions();
        error = "";
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                error = $"{args[i]} needs a value";
                return null;
            }

            var (name, value) = (args[i], args[i + 1]);
            try
            {
                options = name switch
                {
                    "--scenario" => options with { Scenario = value },
                    "--url" => options with { BaseUrl = new Uri(value.TrimEnd('/') + "/") },
                    "--label" => options with { Label = value },
                    "--rate" => options with { Rate = Positive(value) },
                    "--duration" => options with { DurationSeconds = Positive(value) },
                    "--warmup" => options with { Warmup = (int)Math.Max(0, double.Parse(value, CultureInfo.InvariantCulture)) },
                    "--lines" => options with { Lines = (int)Positive(value) },
                    "--sellers" => options with { Sellers = (int)Positive(value) },
                    "--offers-per-seller" => options with { OffersPerSeller = (int)Positive(value) },
                    "--target-rps" => options with { TargetRps = Positive(value) },
                    "--target-p95-ms" => options with { TargetP95Ms = Positive(value) },
                    "--buyers" => options with { Buyers = (int)Positive(value) },
                    "--units" => options with { Units = (int)Positive(value) },
                    "--setup-concurrency" => options with { SetupConcurrency = (int)Positive(value) },
                    "--timeout" => options with { TimeoutSeconds = Positive(value) },
                    "--read-rate" => options with { ReadRate = Positive(value) },
                    "--record" => options with { RecordFile = value },
                    "--ready-file" => options with { ReadyFile = value },
                    "--trust-cert" => options with { TrustCertificate = value },
                    "--cpu-pid" => options with { CpuPid = (int)Positive(value) },
                    "--http" => options with
                    {
                        HttpVersion = value switch
                        {
                            "1.1" => System.Net.HttpVersion.Version11,
                            "2" => System.Net.HttpVersion.Version20,
                            _ => throw new ArgumentException("the HTTP version is 1.1 or 2"),
                        },
                    },
                    _ => throw new ArgumentException($"unknown option {name}"),
                };
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or UriFormatException)
            {
                error = $"{name} {value}: {exception.Message}";
                return null;
            }
        }

        if (options.Scenario is not ("throughput" or "contention" or "cluster"))
        {
            error = $"unknown scenario {options.Scenario}";
            return null;
        }

        if (options.HttpVersion.Major == 2 && options.BaseUrl.Scheme != Uri.UriSchemeHttps)
        {
            error = "--http 2 needs an https --url (the balancer negotiates HTTP/2 by ALPN)";
            return null;
        }

        if (options.Lines < options.Sellers || options.Lines > options.Sellers * options.OffersPerSeller)
        {
            error = "--lines must be at least --sellers (a line per seller) and at most sellers × offers-per-seller";
            return null;
        }

        return options;
    }

    private static double Positive(string value)
    {
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return number > 0 ? number : throw new ArgumentException("must be above zero");
    }
}
