namespace Marketplace.Pricing.Engine;

/// <summary>What a rule gives once every cap has had its say, and which lines a cap cut.</summary>
internal readonly struct CappedOffer
{
    private readonly bool[] _cappedByLine;

    public CappedOffer(LineAmounts given, bool[] cappedByLine, bool anyCapped)
    {
        Given = given;
        _cappedByLine = cappedByLine;
        AnyCapped = anyCapped;
    }

    public LineAmounts Given { get; }

    public bool AnyCapped { get; }

    /// <summary>True when a cap took something off what the rule offered <paramref name="line"/>.</summary>
    public bool WasCapped(int line) => _cappedByLine[line];
}
