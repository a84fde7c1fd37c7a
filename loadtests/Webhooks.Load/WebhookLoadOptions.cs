using System.Globalization;

namespace Marketplace.Webhooks.Load;

/// <summary>What to run, read from <c>--name value</c> arguments.</summary>
internal sealed record WebhookLoadOptions
{
    public const string Usage = """
        usage: Webhooks.Load [options]
          --url http://127.0.0.1:5080        the API (started with Notifications__Webhooks__AllowLoopback=true)
          --rabbitmq amqp://guest:guest@127.0.0.1:5672/   the API's broker
          --entity-prefix bench               the API's Messaging:EntityPrefix (empty for none)
          --label webhooks                    the scenario name on the RESULT line
          --rate 200                          order events published per second (open model)
          --endpoints 50                      bench sellers, one webhook endpoint each; events spread evenly over them
          --duration 60                       seconds of publishing (rounded up to whole 4-second rounds)
          --receiver-port 5099                where the in-process receiver listens (127.0.0.1)
          --drain 300                         seconds to wait, after the last publish, for every event to arrive
          --target-p99-ms 2000                print a TARGET line with PASS/FAIL against this
        """;

    public Uri BaseUrl { get; init; } = new("http://127.0.0.1:5080/");
    public Uri RabbitMq { get; init; } = new("amqp://guest:guest@127.0.0.1:5672/");
    public string EntityPrefix { get; init; } = "bench";
    public string Label { get; init; } = "webhooks";
    public double Rate { get; init; } = 200;
    public int Endpoints { get; init; } = 50;
    public double DurationSeconds { get; init; } = 60;
    public int ReceiverPort { get; init; } = 5099;
    public double DrainSeconds { get; init; } = 300;
    public double TargetP99Ms { get; init; } = 2000;

    /// <summary>Events per second, whole: one round moves this many orders one step each second.</summary>
    public int OrdersPerRound => Math.Max(1, (int)Math.Round(Rate));

    /// <summary>Every order goes placed, accepted, shipped, delivered: four events, one second apart.</summary>
    public int Events => (int)Math.Ceiling(DurationSeconds / 4) * 4 * OrdersPerRound;

    public static WebhookLoadOptions? Parse(string[] args, out string error)
    {
        var options = new WebhookLoadOptions();
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
                    "--url" => options with { BaseUrl = new Uri(value.TrimEnd('/') + "/") },
                    "--rabbitmq" => options with { RabbitMq = new Uri(value) },
                    "--entity-prefix" => options with { EntityPrefix = value },
                    "--label" => options with { Label = value },
                    "--rate" => options with { Rate = Positive(value) },
                    "--endpoints" => options with { Endpoints = (int)Positive(value) },
                    "--duration" => options with { DurationSeconds = Positive(value) },
                    "--receiver-port" => options with { ReceiverPort = (int)Positive(value) },
                    "--drain" => options with { DrainSeconds = Positive(value) },
                    "--target-p99-ms" => options with { TargetP99Ms = Positive(value) },
                    _ => throw new ArgumentException($"unknown option {name}"),
                };
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or UriFormatException)
            {
                error = $"{name} {value}: {exception.Message}";
                return null;
            }
        }

        return options;
    }

    private static double Positive(string value)
    {
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return number > 0 ? number : throw new ArgumentException("must be above zero");
    }
}
