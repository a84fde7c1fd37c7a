using System.Globalization;
using System.Text;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Popularity;
using Marketplace.Catalog.Products;
using Marketplace.Platform.Hosting;

namespace Marketplace.Catalog.Seeding;

/// <summary>One generated product with everything that hangs off it.</summary>
internal sealed record DemoProduct(Product Product, List<Offer> Offers, List<Review> Reviews, List<ProductLink> Links);

/// <summary>
/// Generates a demo marketplace deterministically from <see cref="SeedOptions"/>. Reference data (category tree,
/// brands, sellers) is built up front; products are generated one at a time on demand, each from its own random
/// stream, so a million-SKU catalog streams into the database without being held in memory.
/// </summary>
internal sealed class DemoCatalog
{
    /// <summary>Generated timestamps lie before this instant, so reruns on different days give the same rows.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private const int CustomerPool = 250_000;
    private const double OutOfStockShare = 0.12;
    private const double HiddenReviewShare = 0.03;

    private static class Streams
    {
        public const ulong Plan = 1, Product = 2, ProductId = 3, Category = 4, Attribute = 5, Brand = 6, Seller = 7, Customer = 8;
    }

    private readonly int _seed;
    private readonly string _currency;
    private readonly TimeSpan _popularityHalfLife;
    private readonly Leaf[] _leaves;
    private readonly double[] _leafWeights;
    private readonly Brand[][] _brandsByRoot;
    private readonly byte[] _productLeaf;
    private readonly byte[] _productSkuCount;
    private readonly int[][] _productsByLeaf;
    private readonly int[][] _leavesByRoot;

    private sealed record Leaf(Category Category, ProductKind Kind, DemoLeaf Names, int Root);

    /// <param name="options">What to generate.</param>
    /// <param name="currency">The catalog's currency.</param>
    /// <param name="popularityHalfLife">
    /// The half-life the deployment ranks popularity with (<see cref="CatalogOptions.PopularityHalfLife"/>): seeded scores
    /// are on its scale, so views counted after the seed add to them as they add to any score.
    /// </param>
    public DemoCatalog(SeedOptions options, string currency, TimeSpan? popularityHalfLife = null)
    {
        if (options.Skus is < 1 or > SeedOptions.MaxSkus)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Skus must be between 1 and {SeedOptions.MaxSkus}.");
        }

        if (options.SellerCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Sellers must be at least 1.");
        }

        _seed = options.Seed;
        _currency = currency;
        _popularityHalfLife = popularityHalfLife ?? PopularityScore.DefaultHalfLife;
        (Categories, _leaves) = BuildCategories();
        _leavesByRoot = Enumerable.Range(0, DemoTaxonomy.Roots.Length)
            .Select(root => Enumerable.Range(0, _leaves.Length).Where(l => _leaves[l].Root == root).ToArray())
            .ToArray();
        _leafWeights = CumulativeLeafWeights(_leaves.Length);
        Brands = BuildBrands();
        _brandsByRoot = Enumerable.Range(0, DemoTaxonomy.Roots.Length)
            .Select(root => Brands.Where((_, index) => index % DemoTaxonomy.Roots.Length == root).ToArray())
            .ToArray();
        Sellers = BuildSellers(options.SellerCount);

        // Plan pass: how many SKUs and which leaf each product gets, so link targets can be chosen among
        // products of the same category before those products are generated.
        var leaves = new List<byte>(options.Skus / 2);
        var counts = new List<byte>(options.Skus / 2);
        long planned = 0;
        for (var index = 0; planned < options.Skus; index++)
        {
            var random = SeedRandom.For(_seed, Streams.Plan, index);
            var leaf = PickLeaf(ref random);
            var skus = Math.Min(RollSkuCount(ref random), VariantCombinations(_leaves[leaf].Kind));
            skus = (int)Math.Min(skus, options.Skus - planned);
            leaves.Add((byte)leaf);
            counts.Add((byte)skus);
            planned += skus;
        }

        _productLeaf = [.. leaves];
        _productSkuCount = [.. counts];
        SkuCount = planned;
        _productsByLeaf = Enumerable.Range(0, _leaves.Length)
            .Select(leaf => Enumerable.Range(0, _productLeaf.Length).Where(p => _productLeaf[p] == leaf).ToArray())
            .ToArray();
    }

    public IReadOnlyList<Category> Categories { get; }

    public IReadOnlyList<AttributeDefinition> AttributeDefinitions => [.. Categories.SelectMany(c => c.Attributes)];

    public IReadOnlyList<Brand> Brands { get; }

    public IReadOnlyList<SellerProfile> Sellers { get; }

    public int ProductCount => _productLeaf.Length;

    public long SkuCount { get; }

    public IEnumerable<DemoProduct> Products()
    {
        for (var index = 0; index < ProductCount; index++)
        {
            yield return Product(index);
        }
    }

    public Guid ProductId(int index) => SeedRandom.Id(_seed, Streams.ProductId, index);

    public DemoProduct Product(int index)
    {
        var random = SeedRandom.For(_seed, Streams.Product, index);
        var leaf = _leaves[_productLeaf[index]];
        var kind = leaf.Kind;
        var brands = _brandsByRoot[leaf.Root];
        var brand = brands[random.Next(random.Next(brands.Length) + 1)];
        var ownerIndex = SkewedIndex(ref random, Sellers.Count);
        var owner = Sellers[ownerIndex];
        var id = ProductId(index);

        var attributes = new Dictionary<string, string>();
        var variantSpecs = new List<AttributeSpec>(2);
        foreach (var spec in kind.Attributes)
        {
            if (spec.Variant)
            {
                variantSpecs.Add(spec);
            }
            else
            {
                attributes[spec.Code] = random.Pick(spec.Values);
            }
        }

        var title = $"{brand.Name} {random.Pick(DemoTaxonomy.Series)} {random.Next(1, 10)} {random.Pick(kind.Adjectives)} {leaf.Names.Noun}";
        var created = Epoch.AddDays(-random.Next(30, 730)).AddSeconds(-random.Next(86_400));
        var updated = created.AddDays(random.Next(0, 30));
        var (html, text) = Description(ref random, kind, attributes);

        var product = new Product
        {
            Id = id,
            OwnerSellerId = owner.Id,
            CategoryId = leaf.Category.Id,
            CategoryPath = leaf.Category.Path,
            BrandId = brand.Id,
            BrandName = brand.Name,
            Title = title,
            DescriptionHtml = html,
            DescriptionText = text,
            Attributes = attributes,
            AttributesText = AttributesText(kind, attributes),
            Images = [.. Enumerable.Range(1, random.Next(1, 5)).Select(n => $"https://images.demo.local/products/{id:N}/{n}.jpg")],
            CreatedAt = created,
            UpdatedAt = updated,
            Version = 1,
        };

        var basePrice = Math.Exp(Math.Log((double)kind.MinPrice) + (random.NextDouble() * (Math.Log((double)kind.MaxPrice) - Math.Log((double)kind.MinPrice))));
        var offers = new List<Offer>();
        var combinations = DistinctCombinations(ref random, variantSpecs, _productSkuCount[index]);
        for (var variant = 0; variant < combinations.Count; variant++)
        {
            var sku = new Sku
            {
                Id = random.NextGuid(),
                ProductId = id,
                Code = $"DEMO-{index:D8}-{variant + 1}",
                Gtin = Gtin13(index, variant),
                Attributes = combinations[variant],
                WeightGrams = random.Next(kind.MinWeightGrams, kind.MaxWeightGrams + 1),
                LengthMm = random.Next(kind.MaxDimensionMm / 4, kind.MaxDimensionMm + 1),
                WidthMm = random.Next(kind.MaxDimensionMm / 6, kind.MaxDimensionMm / 2 + 1),
                HeightMm = random.Next(10, kind.MaxDimensionMm / 3 + 1),
            };
            product.Skus.Add(sku);
            AddOffers(ref random, product, sku, basePrice * (1 + (0.07 * variant)), ownerIndex, offers);
        }

        Summarize(product, offers);
        var reviews = Reviews(ref random, product);
        var views = Math.Round((Math.Exp(random.NextGaussian() * 1.5) * 100) + (product.RatingCount * 20) + (product.OfferCount * 5), 2);
        product.Popularity = PopularityScore.Of(views, Epoch, _popularityHalfLife);
        var links = Links(ref random, index, leaf.Root);
        return new DemoProduct(product, offers, reviews, links);
    }

    /// <summary>The listing summary, by the same rule as <c>ProductListingSummary</c>: lowest in-stock price, else lowest price.</summary>
    private void Summarize(Product product, List<Offer> offers)
    {
        decimal? inStockMin = null;
        decimal? anyMin = null;
        foreach (var offer in offers)
        {
            anyMin = anyMin is null || offer.Price < anyMin ? offer.Price : anyMin;
            if (offer.Stock > 0)
            {
                inStockMin = inStockMin is null || offer.Price < inStockMin ? offer.Price : inStockMin;
            }
        }

        product.MinPrice = inStockMin ?? anyMin;
        product.InStock = inStockMin is not null;
        product.OfferCount = offers.Count;
        product.Currency = offers.Count > 0 ? _currency : null;
    }

    private void AddOffers(ref SeedRandom random, Product product, Sku sku, double skuPrice, int ownerIndex, List<Offer> offers)
    {
        // Most SKUs have one to five competing sellers; a few have none yet.
        var roll = random.NextDouble();
        var count = roll switch { < 0.04 => 0, < 0.38 => 1, < 0.63 => 2, < 0.80 => 3, < 0.92 => 4, _ => 5 };
        count = Math.Min(count, Sellers.Count);
        Span<int> chosen = stackalloc int[5];
        var sellerIndex = ownerIndex;
        for (var n = 0; n < count; n++)
        {
            if (n > 0)
            {
                do
                {
                    sellerIndex = SkewedIndex(ref random, Sellers.Count);
                }
                while (chosen[..n].Contains(sellerIndex));
            }

            chosen[n] = sellerIndex;
            var price = Math.Max(0.5, skuPrice * (1 + (0.06 * random.NextGaussian())));
            offers.Add(new Offer
            {
                Id = random.NextGuid(),
                SkuId = sku.Id,
                ProductId = product.Id,
                SellerId = Sellers[sellerIndex].Id,
                Price = Math.Round((decimal)price, 2),
                Currency = _currency,
                Stock = random.Chance(OutOfStockShare) ? 0 : random.Next(1, 250),
                DispatchDays = random.Next(random.Next(5) + 1) + 1,
                UpdatedAt = product.UpdatedAt.AddHours(random.Next(0, 24 * 30)),
                Version = 1,
            });
        }
    }

    private List<Review> Reviews(ref SeedRandom random, Product product)
    {
        var reviews = new List<Review>();
        if (random.Chance(0.35))
        {
            return reviews;
        }

        var quality = 3.9 + (random.NextGaussian() * 0.6);
        var count = Math.Min(60, 1 + (int)(-Math.Log(1 - random.NextDouble()) * 2));
        var firstCustomer = random.Next(CustomerPool);
        var published = 0;
        Span<int> stars = stackalloc int[5];
        var sum = 0;
        for (var n = 0; n < count; n++)
        {
            var rating = Math.Clamp((int)Math.Round(quality + (random.NextGaussian() * 0.9)), 1, 5);
            var status = random.Chance(HiddenReviewShare) ? ReviewStatus.Hidden : ReviewStatus.Published;
            var at = product.CreatedAt.AddDays(random.Next(1, 300));
            at = at > Epoch ? Epoch : at;
            reviews.Add(new Review
            {
                Id = random.NextGuid(),
                ProductId = product.Id,
                // Consecutive customers of a prime stride: distinct within a product, shared across products.
                CustomerId = SeedRandom.Id(_seed, Streams.Customer, (firstCustomer + (n * 7_919L)) % CustomerPool),
                Rating = rating,
                Text = random.Pick(DemoTaxonomy.ReviewsByRating[rating - 1]),
                Status = status,
                CreatedAt = at,
                UpdatedAt = at,
            });
            if (status == ReviewStatus.Published)
            {
                published++;
                sum += rating;
                stars[rating - 1]++;
            }
        }

        // Only published reviews count towards the rating a shopper sees.
        product.RatingCount = published;
        product.RatingAverage = published == 0 ? 0 : (double)sum / published;
        (product.RatingStars1, product.RatingStars2, product.RatingStars3, product.RatingStars4, product.RatingStars5) = (stars[0], stars[1], stars[2], stars[3], stars[4]);
        return reviews;
    }

    private List<ProductLink> Links(ref SeedRandom random, int index, int root)
    {
        var links = new List<ProductLink>();
        var count = random.Next(0, 5);
        var sameLeaf = _productsByLeaf[_productLeaf[index]];
        for (var n = 0; n < count; n++)
        {
            var kind = (LinkKind)random.Next(4);
            int[] candidates = kind switch
            {
                LinkKind.Comparable or LinkKind.Substitute => sameLeaf,
                LinkKind.Accessory => _productsByLeaf[random.Pick(_leavesByRoot[root])],
                _ => _productsByLeaf[random.Next(_leaves.Length)],
            };
            if (candidates.Length == 0)
            {
                continue;
            }

            var target = candidates[random.Next(candidates.Length)];
            var targetId = ProductId(target);
            if (target != index && !links.Exists(l => l.LinkedProductId == targetId && l.Kind == kind))
            {
                links.Add(new ProductLink { ProductId = ProductId(index), LinkedProductId = targetId, Kind = kind });
            }
        }

        return links;
    }

    private static List<Dictionary<string, string>> DistinctCombinations(ref SeedRandom random, List<AttributeSpec> specs, int count)
    {
        var total = specs.Aggregate(1, (product, spec) => product * spec.Values.Length);
        var picked = new List<int>(count);
        while (picked.Count < count)
        {
            var combination = random.Next(total);
            if (!picked.Contains(combination))
            {
                picked.Add(combination);
            }
        }

        picked.Sort();
        var result = new List<Dictionary<string, string>>(count);
        foreach (var combination in picked)
        {
            var rest = combination;
            var values = new Dictionary<string, string>(specs.Count);
            foreach (var spec in specs)
            {
                values[spec.Code] = spec.Values[rest % spec.Values.Length];
                rest /= spec.Values.Length;
            }

            result.Add(values);
        }

        return result;
    }

    private static (string Html, string Text) Description(ref SeedRandom random, ProductKind kind, Dictionary<string, string> attributes)
    {
        var sentence = $"{random.Pick(DemoTaxonomy.Openings)} {random.Pick(DemoTaxonomy.Benefits)}. {random.Pick(DemoTaxonomy.Closings)}";
        var html = new StringBuilder("<p>").Append(sentence).Append("</p><ul>");
        var text = new StringBuilder(sentence);
        foreach (var spec in kind.Attributes)
        {
            if (attributes.TryGetValue(spec.Code, out var value))
            {
                var shown = Display(spec, value);
                html.Append("<li>").Append(spec.Name).Append(": ").Append(shown).Append("</li>");
                text.Append(' ').Append(spec.Name).Append(": ").Append(shown).Append('.');
            }
        }

        return (html.Append("</ul>").ToString(), text.ToString());
    }

    private static string AttributesText(ProductKind kind, Dictionary<string, string> attributes) =>
        string.Join(' ', kind.Attributes.Where(s => attributes.ContainsKey(s.Code)).Select(s => $"{s.Name} {Display(s, attributes[s.Code])}"));

    private static string Display(AttributeSpec spec, string value) => spec.Type switch
    {
        AttributeType.Boolean => value == "true" ? "yes" : "no",
        AttributeType.Number => $"{value} {spec.Unit}",
        _ => value,
    };

    /// <summary>
    /// A GTIN-13 in the GS1 restricted-circulation range (prefix 2), so demo codes can never collide with a real
    /// product's barcode; unique per (product, variant).
    /// </summary>
    internal static string Gtin13(int productIndex, int variant)
    {
        var body = "2" + ((productIndex * 4L) + variant).ToString("D11", CultureInfo.InvariantCulture);
        return body + ProductContent.GtinCheckDigit(body);
    }

    private static int RollSkuCount(ref SeedRandom random) => random.NextDouble() switch
    {
        < 0.40 => 1,
        < 0.65 => 2,
        < 0.85 => 3,
        _ => 4,
    };

    private static int VariantCombinations(ProductKind kind) =>
        kind.Attributes.Where(a => a.Variant).Aggregate(1, (product, spec) => product * spec.Values.Length);

    /// <summary>Low indexes far more often than high ones: a few big sellers and brands, a long tail of small ones.</summary>
    private static int SkewedIndex(ref SeedRandom random, int count) => (int)(count * Math.Pow(random.NextDouble(), 2.2));

    private int PickLeaf(ref SeedRandom random)
    {
        var roll = random.NextDouble() * _leafWeights[^1];
        var index = Array.BinarySearch(_leafWeights, roll);
        return Math.Min(index < 0 ? ~index : index, _leafWeights.Length - 1);
    }

    private static double[] CumulativeLeafWeights(int leaves)
    {
        var weights = new double[leaves];
        double total = 0;
        for (var leaf = 0; leaf < leaves; leaf++)
        {
            total += 1 + ((leaf * 7) % 5);
            weights[leaf] = total;
        }

        return weights;
    }

    private (List<Category> All, Leaf[] Leaves) BuildCategories()
    {
        var all = new List<Category>();
        var leaves = new List<Leaf>();
        var attributeNumber = 0;
        for (var r = 0; r < DemoTaxonomy.Roots.Length; r++)
        {
            var rootSpec = DemoTaxonomy.Roots[r];
            var root = NewCategory(all, rootSpec.Name, null);
            foreach (var groupSpec in rootSpec.Groups)
            {
                var group = NewCategory(all, groupSpec.Name, root);
                foreach (var leafSpec in groupSpec.Leaves)
                {
                    var leaf = NewCategory(all, leafSpec.Name, group);
                    foreach (var spec in groupSpec.Kind.Attributes)
                    {
                        leaf.Attributes.Add(new AttributeDefinition
                        {
                            Id = SeedRandom.Id(_seed, Streams.Attribute, attributeNumber++),
                            CategoryId = leaf.Id,
                            Code = spec.Code,
                            Name = spec.Name,
                            Type = spec.Type,
                            Unit = spec.Unit,
                            Filterable = true,
                            AllowedValues = spec.Type == AttributeType.Enum ? [.. spec.Values] : [],
                        });
                    }

                    leaves.Add(new Leaf(leaf, groupSpec.Kind, leafSpec, r));
                }
            }
        }

        return (all, [.. leaves]);
    }

    private Category NewCategory(List<Category> all, string name, Category? parent)
    {
        var slug = Slug(name);
        var category = new Category
        {
            Id = SeedRandom.Id(_seed, Streams.Category, all.Count),
            ParentId = parent?.Id,
            Name = name,
            Slug = slug,
            Path = $"{parent?.Path ?? "/"}{slug}/",
            Depth = parent is null ? 0 : parent.Depth + 1,
        };
        all.Add(category);
        return category;
    }

    private List<Brand> BuildBrands()
    {
        var brands = new List<Brand>();
        foreach (var start in DemoTaxonomy.BrandStarts)
        {
            foreach (var end in DemoTaxonomy.BrandEnds)
            {
                var name = start + end;
                brands.Add(new Brand { Id = SeedRandom.Id(_seed, Streams.Brand, brands.Count), Name = name, Slug = Slug(name) });
            }
        }

        return brands;
    }

    private List<SellerProfile> BuildSellers(int count)
    {
        var sellers = new List<SellerProfile>(count);
        for (var n = 1; n <= count; n++)
        {
            var random = SeedRandom.For(_seed, Streams.Seller, n);
            string name;
            if (n <= DemoTaxonomy.IdentityDemoSellers.Length)
            {
                name = DemoTaxonomy.IdentityDemoSellers[n - 1];
            }
            else
            {
                var i = n - DemoTaxonomy.IdentityDemoSellers.Length - 1;
                var a = DemoTaxonomy.SellerAdjectives;
                var b = DemoTaxonomy.SellerNouns;
                var k = DemoTaxonomy.SellerKinds;
                var combinations = a.Length * b.Length * k.Length;
                name = $"{a[i % a.Length]} {b[i / a.Length % b.Length]} {k[i / (a.Length * b.Length) % k.Length]}";
                name = i < combinations ? name : $"{name} {(i / combinations) + 1}";
            }

            sellers.Add(new SellerProfile
            {
                Id = DemoIds.Seller(n),
                Name = name,
                Rating = Math.Round(Math.Clamp(4.3 + (random.NextGaussian() * 0.5), 1, 5), 2),
                RatingCount = random.Next(5, 20_000),
            });
        }

        return sellers;
    }

    private static string Slug(string name)
    {
        var slug = new StringBuilder(name.Length);
        foreach (var c in name.Replace("&", "and", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-');
    }
}
