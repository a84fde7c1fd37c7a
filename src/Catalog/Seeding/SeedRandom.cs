using System.Buffers.Binary;

namespace Marketplace.Catalog.Seeding;

/// <summary>
/// SplitMix64: a tiny, fast generator whose output is fixed by its algorithm, not by the runtime version, so the
/// same seed gives the same catalog on every machine. Each product gets its own stream (seed, product number),
/// which keeps the first N products identical whatever the total size.
/// </summary>
internal struct SeedRandom(ulong state)
{
    private ulong _state = state;

    public static SeedRandom For(int seed, ulong stream, long index) =>
        new(Mix(((ulong)(uint)seed << 32) ^ Mix(stream * 0x9E3779B97F4A7C15UL + (ulong)index)));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A number in [0, max).</summary>
    public int Next(int max) => (int)((NextUInt64() >> 33) % (ulong)max);

    /// <summary>A number in [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>An approximately normal number (sum of uniforms), cheap and good enough for prices and ratings.</summary>
    public double NextGaussian() => NextDouble() + NextDouble() + NextDouble() + NextDouble() - 2.0;

    public Guid NextGuid() => IdFrom(NextUInt64(), NextUInt64());

    /// <summary>A stable id for the <paramref name="index"/>-th thing of a kind: an RFC 9562 version 8 (custom) UUID.</summary>
    public static Guid Id(int seed, ulong kind, long index)
    {
        var random = For(seed, kind, index);
        return random.NextGuid();
    }

    private static Guid IdFrom(ulong high, ulong low)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[..8], high);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], low);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
