namespace Marketplace.Pricing.Engine;

/// <summary>
/// The lines of one cart in each discount rule's scope, ascending. Flat: the lines of the rule of rank r are
/// <c>lines[start[r]..start[r + 1]]</c>. One array for all rules rather than a list per rule keeps pricing cheap.
/// </summary>
internal readonly struct RuleScopes
{
    private readonly int[] _start;
    private readonly int[] _lines;

    private RuleScopes(int[] start, int[] lines)
    {
        _start = start;
        _lines = lines;
    }

    /// <summary>The lines in the scope of the rule of rank <paramref name="rank"/>, ascending.</summary>
    public ArraySegment<int> Of(int rank) => new(_lines, _start[rank], _start[rank + 1] - _start[rank]);

    public static RuleScopes Find(RuleIndex index, IReadOnlyList<PricingLine> lines)
    {
        var rules = index.Discounts;
        var start = new int[rules.Length + 1];
        var lastSeenOnLine = new int[rules.Length];
        var candidates = new List<int>(64);
        var matched = new List<int>(lines.Count * 8);
        var lineEnds = new int[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            candidates.Clear();
            index.CollectCandidates(lines[i], candidates);
            candidates.AddRange(index.Unscoped);
            foreach (var rank in candidates)
            {
                if (lastSeenOnLine[rank] == i + 1)
                {
                    continue;
                }

                lastSeenOnLine[rank] = i + 1;
                // A rule scoped by one dimension matches every line its index led to; only the others need checking.
                if (!rules[rank].NeedsMatching || rules[rank].Matches(lines[i]))
                {
                    matched.Add(rank);
                    start[rank + 1]++;
                }
            }

            lineEnds[i] = matched.Count;
        }

        for (var rank = 0; rank < rules.Length; rank++)
        {
            start[rank + 1] += start[rank];
        }

        // Lines are visited in ascending order, so each rule's lines come out ascending.
        var flat = new int[matched.Count];
        var next = start[..^1];
        var k = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            for (; k < lineEnds[i]; k++)
            {
                flat[next[matched[k]]++] = i;
            }
        }

        return new RuleScopes(start, flat);
    }
}
