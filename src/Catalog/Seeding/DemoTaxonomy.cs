using Marketplace.Catalog.Domain;

namespace Marketplace.Catalog.Seeding;

/// <summary>One typed attribute of a demo category; <see cref="Variant"/> ones are what a product's SKUs differ by.</summary>
internal sealed record AttributeSpec(string Code, string Name, AttributeType Type, string? Unit, string[] Values, bool Variant = false)
{
    public static AttributeSpec Enum(string code, string name, bool variant, params string[] values) => new(code, name, AttributeType.Enum, null, values, variant);

    public static AttributeSpec Number(string code, string name, string unit, bool variant, params string[] values) => new(code, name, AttributeType.Number, unit, values, variant);

    public static AttributeSpec Flag(string code, string name) => new(code, name, AttributeType.Boolean, null, ["true", "false"]);
}

/// <summary>What the products of a group of leaf categories look like: attributes, price, weight and size ranges, title words.</summary>
internal sealed record ProductKind(
    AttributeSpec[] Attributes,
    decimal MinPrice,
    decimal MaxPrice,
    int MinWeightGrams,
    int MaxWeightGrams,
    int MaxDimensionMm,
    string[] Adjectives);

internal sealed record DemoLeaf(string Name, string Noun);

internal sealed record DemoGroup(string Name, ProductKind Kind, DemoLeaf[] Leaves);

internal sealed record DemoRoot(string Name, DemoGroup[] Groups);

/// <summary>The demo category tree (3 levels, 51 leaves) and the word lists that titles, descriptions and reviews are built from.</summary>
internal static class DemoTaxonomy
{
    private static readonly string[] Colours = ["black", "white", "silver", "grey", "blue", "red", "green", "beige", "pink", "gold"];
    private static readonly string[] ApparelSizes = ["XS", "S", "M", "L", "XL", "XXL"];

    private static readonly ProductKind Phones = new(
        [
            AttributeSpec.Enum("colour", "Colour", true, Colours),
            AttributeSpec.Number("storage", "Storage", "GB", true, "64", "128", "256", "512"),
            AttributeSpec.Number("screen_size", "Screen size", "in", false, "5.8", "6.1", "6.4", "6.7", "10.9", "12.9"),
            AttributeSpec.Flag("dual_sim", "Dual SIM"),
            AttributeSpec.Flag("five_g", "5G"),
        ],
        89m, 1499m, 150, 700, 300, ["Compact", "Pro", "Ultra", "Lite", "Plus"]);

    private static readonly ProductKind Audio = new(
        [
            AttributeSpec.Enum("colour", "Colour", true, Colours),
            AttributeSpec.Flag("wireless", "Wireless"),
            AttributeSpec.Flag("noise_cancelling", "Noise cancelling"),
            AttributeSpec.Number("battery_life", "Battery life", "h", false, "8", "12", "20", "30", "40"),
            AttributeSpec.Enum("connection", "Connection", false, "bluetooth", "usb-c", "3.5 mm jack", "wi-fi"),
        ],
        19m, 599m, 40, 3000, 900, ["Wireless", "Studio", "Portable", "Bass", "Sport"]);

    private static readonly ProductKind Computers = new(
        [
            AttributeSpec.Enum("colour", "Colour", true, Colours[..4]),
            AttributeSpec.Number("memory", "Memory", "GB", true, "8", "16", "32", "64"),
            AttributeSpec.Number("screen_size", "Screen size", "in", false, "13.3", "14", "15.6", "24", "27", "32"),
            AttributeSpec.Flag("wireless", "Wireless"),
            AttributeSpec.Enum("layout", "Layout", false, "qwerty", "qwertz", "azerty"),
        ],
        15m, 2999m, 60, 9000, 800, ["Pro", "Office", "Gaming", "Slim", "Ergonomic"]);

    private static readonly ProductKind Appliances = new(
        [
            AttributeSpec.Enum("colour", "Colour", true, Colours),
            AttributeSpec.Number("power", "Power", "W", false, "600", "900", "1200", "1500", "2000", "2400"),
            AttributeSpec.Number("capacity", "Capacity", "l", false, "0.5", "1", "1.5", "1.7", "2"),
            AttributeSpec.Flag("dishwasher_safe", "Dishwasher safe"),
        ],
        19m, 899m, 800, 9000, 500, ["Classic", "Smart", "Compact", "Deluxe", "Retro"]);

    private static readonly ProductKind Cookware = new(
        [
            AttributeSpec.Enum("material", "Material", false, "stainless steel", "cast iron", "aluminium", "ceramic", "carbon steel"),
            AttributeSpec.Number("diameter", "Diameter", "cm", true, "16", "20", "24", "28", "32"),
            AttributeSpec.Flag("induction", "Induction ready"),
            AttributeSpec.Flag("dishwasher_safe", "Dishwasher safe"),
        ],
        12m, 349m, 300, 4500, 450, ["Professional", "Everyday", "Chef's", "Nonstick", "Heritage"]);

    private static readonly ProductKind Furniture = new(
        [
            AttributeSpec.Enum("colour", "Colour", true, "black", "white", "oak", "walnut", "grey", "beige"),
            AttributeSpec.Enum("material", "Material", false, "solid wood", "engineered wood", "metal", "fabric", "leather"),
            AttributeSpec.Number("width", "Width", "cm", false, "60", "80", "120", "160", "200"),
            AttributeSpec.Flag("assembly_required", "Assembly required"),
        ],
        39m, 1999m, 4000, 60000, 2000, ["Nordic", "Modern", "Industrial", "Classic", "Minimal"]);

    private static readonly ProductKind Apparel = new(
        [
            AttributeSpec.Enum("size", "Size", true, ApparelSizes),
            AttributeSpec.Enum("colour", "Colour", true, Colours),
            AttributeSpec.Enum("material", "Material", false, "cotton", "organic cotton", "polyester", "wool", "linen", "denim"),
            AttributeSpec.Enum("fit", "Fit", false, "slim", "regular", "relaxed"),
        ],
        9m, 249m, 100, 1500, 400, ["Essential", "Classic", "Relaxed", "Premium", "Vintage"]);

    private static readonly ProductKind Shoes = new(
        [
            AttributeSpec.Number("shoe_size", "Size", "EU", true, "37", "38", "39", "40", "41", "42", "43", "44", "45", "46"),
            AttributeSpec.Enum("colour", "Colour", true, Colours[..6]),
            AttributeSpec.Enum("material", "Material", false, "leather", "suede", "mesh", "canvas", "synthetic"),
            AttributeSpec.Flag("waterproof", "Waterproof"),
        ],
        25m, 299m, 400, 1800, 350, ["Trail", "Urban", "Classic", "Lightweight", "All-weather"]);

    private static readonly ProductKind Fitness = new(
        [
            AttributeSpec.Number("weight", "Weight", "kg", true, "2", "5", "10", "15", "20"),
            AttributeSpec.Enum("colour", "Colour", false, Colours[..6]),
            AttributeSpec.Enum("material", "Material", false, "rubber", "steel", "foam", "neoprene"),
            AttributeSpec.Flag("foldable", "Foldable"),
        ],
        9m, 1299m, 500, 40000, 1800, ["Pro", "Home", "Compact", "Power", "Flex"]);

    private static readonly ProductKind Outdoor = new(
        [
            AttributeSpec.Enum("colour", "Colour", true, "green", "blue", "orange", "grey", "black"),
            AttributeSpec.Number("capacity", "Capacity", "l", false, "20", "30", "45", "65"),
            AttributeSpec.Number("persons", "Sleeps", "persons", false, "1", "2", "3", "4", "6"),
            AttributeSpec.Flag("waterproof", "Waterproof"),
        ],
        15m, 899m, 300, 9000, 800, ["Alpine", "Trekking", "Ultralight", "Expedition", "Weekend"]);

    private static readonly ProductKind Cycling = new(
        [
            AttributeSpec.Enum("frame_size", "Frame size", true, "S", "M", "L", "XL"),
            AttributeSpec.Enum("colour", "Colour", true, Colours[..6]),
            AttributeSpec.Enum("frame_material", "Frame material", false, "aluminium", "carbon", "steel"),
            AttributeSpec.Flag("electric", "Electric"),
        ],
        12m, 3999m, 100, 25000, 1800, ["Road", "City", "Trail", "Aero", "Commuter"]);

    private static readonly ProductKind Toys = new(
        [
            AttributeSpec.Number("age_from", "Age from", "years", false, "3", "6", "8", "10", "12", "14"),
            AttributeSpec.Number("pieces", "Pieces", "pcs", false, "50", "100", "250", "500", "1000", "2000"),
            AttributeSpec.Enum("edition", "Edition", true, "standard", "deluxe", "collector"),
            AttributeSpec.Flag("batteries_required", "Batteries required"),
        ],
        7m, 399m, 100, 3000, 600, ["Adventure", "Classic", "Family", "Explorer", "Creative"]);

    public static readonly DemoRoot[] Roots =
    [
        new("Electronics",
        [
            new("Phones & Tablets", Phones, [new("Smartphones", "Smartphone"), new("Tablets", "Tablet"), new("E-readers", "E-reader"), new("Smartwatches", "Smartwatch")]),
            new("Audio", Audio, [new("Headphones", "Headphones"), new("Earbuds", "Earbuds"), new("Bluetooth Speakers", "Bluetooth Speaker"), new("Soundbars", "Soundbar")]),
            new("Computers", Computers, [new("Laptops", "Laptop"), new("Monitors", "Monitor"), new("Keyboards", "Keyboard"), new("Mice", "Mouse")]),
        ]),
        new("Home & Kitchen",
        [
            new("Kitchen Appliances", Appliances, [new("Coffee Machines", "Coffee Machine"), new("Blenders", "Blender"), new("Kettles", "Kettle"), new("Toasters", "Toaster")]),
            new("Cookware", Cookware, [new("Frying Pans", "Frying Pan"), new("Saucepans", "Saucepan"), new("Woks", "Wok")]),
            new("Furniture", Furniture, [new("Office Chairs", "Office Chair"), new("Desks", "Desk"), new("Bookcases", "Bookcase"), new("Sofas", "Sofa")]),
        ]),
        new("Fashion",
        [
            new("Men's Clothing", Apparel, [new("Men's T-Shirts", "T-Shirt"), new("Men's Jeans", "Jeans"), new("Men's Jackets", "Jacket"), new("Men's Hoodies", "Hoodie")]),
            new("Women's Clothing", Apparel, [new("Dresses", "Dress"), new("Blouses", "Blouse"), new("Skirts", "Skirt"), new("Women's Coats", "Coat")]),
            new("Shoes", Shoes, [new("Running Shoes", "Running Shoe"), new("Sneakers", "Sneaker"), new("Boots", "Boot"), new("Sandals", "Sandal")]),
        ]),
        new("Sports & Outdoors",
        [
            new("Fitness", Fitness, [new("Dumbbells", "Dumbbell"), new("Yoga Mats", "Yoga Mat"), new("Exercise Bikes", "Exercise Bike")]),
            new("Camping", Outdoor, [new("Tents", "Tent"), new("Sleeping Bags", "Sleeping Bag"), new("Backpacks", "Backpack"), new("Camping Stoves", "Camping Stove")]),
            new("Cycling", Cycling, [new("Bikes", "Bike"), new("Bike Helmets", "Bike Helmet"), new("Bike Lights", "Bike Light")]),
        ]),
        new("Toys & Games",
        [
            new("Construction & Puzzles", Toys, [new("Building Sets", "Building Set"), new("Jigsaw Puzzles", "Jigsaw Puzzle"), new("Model Kits", "Model Kit")]),
            new("Games", Toys, [new("Board Games", "Board Game"), new("Card Games", "Card Game"), new("Strategy Games", "Strategy Game")]),
        ]),
    ];

    public static readonly string[] BrandStarts = ["Nord", "Vel", "Astra", "Bright", "Kin", "Lum", "Orb", "Terr", "Zen", "Quant", "Heli", "Arc", "Sol", "Vox", "Mira", "Pol", "Cor", "Fen", "Oak", "Riv"];

    public static readonly string[] BrandEnds = ["ix", "ora", "tek", "wave", "line", "ford", "mark", "io", "ware", "field"];

    public static readonly string[] Series = ["Aero", "Nova", "Pulse", "Flex", "Prime", "Core", "Edge", "Air", "Terra", "Vista", "Orbit", "Quest", "Spark", "Summit", "Echo", "Atlas"];

    public static readonly string[] SellerAdjectives = ["Blue", "Golden", "Urban", "Green", "Bright", "Silver", "North", "Happy", "Swift", "Royal", "Little", "Big", "Wild", "Quiet", "Red", "Sunny"];

    public static readonly string[] SellerNouns = ["Harbor", "Oak", "River", "Fox", "Summit", "Lantern", "Meadow", "Anchor", "Pine", "Falcon", "Market", "Bridge", "Garden", "Stone", "Maple", "Wave"];

    public static readonly string[] SellerKinds = ["Store", "Goods", "Trading", "Outlet", "Supply", "Shop", "Direct", "Emporium"];

    /// <summary>The demo sellers that Identity's demo accounts own; seller n of the seed gets <c>DemoIds.Seller(n)</c> and this name.</summary>
    public static readonly string[] IdentityDemoSellers = ["Northwind Traders", "Contoso Outdoor", "Fabrikam Home"];

    public static readonly string[] Openings =
    [
        "Designed for everyday use,", "Built to last,", "A favourite with our customers,", "Made with care,",
        "Refined in every detail,", "Simple to set up,", "Tested by experts,", "Great value for money,",
    ];

    public static readonly string[] Benefits =
    [
        "it combines solid build quality with a clean design", "it delivers reliable performance day after day",
        "it fits neatly into any home", "it is easy to clean and maintain", "it feels comfortable from the first use",
        "it balances price and quality", "it comes ready to use out of the box", "it is backed by a two-year warranty",
    ];

    public static readonly string[] Closings =
    [
        "Ships in recyclable packaging.", "Includes a quick start guide.", "Covered by the manufacturer's warranty.",
        "Spare parts are available for five years.", "Ideal as a gift.",
    ];

    public static readonly string[][] ReviewsByRating =
    [
        ["Broke after a week, very disappointed.", "Not as described. I sent it back.", "Poor quality for the price."],
        ["Below my expectations.", "It works, but feels cheap.", "Delivery was slow and the item is average at best."],
        ["Does the job, nothing special.", "Okay for the price.", "Decent, but there are better options."],
        ["Very good, a few small issues.", "Good quality and fast delivery.", "Happy with it overall, would buy again."],
        ["Excellent, exactly what I wanted!", "Outstanding quality, highly recommended.", "Perfect. Five stars from me."],
    ];
}
