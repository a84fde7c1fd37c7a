using System.Globalization;
using System.Net;
using System.Text.Json;
using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Parcels;
using Marketplace.Delivery.Persistence;
using Marketplace.Delivery.Quotes;
using Marketplace.Delivery.Rules;
using Marketplace.Platform;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Carriers.Cdek;

/// <summary>
/// CDEK behind the carrier port. Quotes come from the tariff calculator for the parcels packed to CDEK's limits,
/// dated by the rules' calendar; bookings are CDEK orders, created asynchronously and read back until CDEK accepts
/// or refuses them, then given a waybill (the label); tracking reads the order's statuses and maps them with
/// <see cref="CdekStatusMap"/>. Option ids are <c>cdek-</c> and the tariff code; the service id is the tariff code.
/// </summary>
internal sealed partial class CdekCarrier(
    CdekApi api,
    IOptions<CdekOptions> options,
    IOptionsMonitor<DeliveryRules> rules,
    IValidator<ShipmentRequest> validator,
    DeliveryDbContext db,
    TimeProvider clock,
    ILogger<CdekCarrier> logger) : IDeliveryCarrier
{
    private const string OptionPrefix = KnownCarriers.Cdek + "-";

    /// <summary>CDEK's codes of the currencies its calculator prices in (API v2, appendix "currencies").</summary>
    private static readonly Dictionary<string, int> Currencies = new(StringComparer.Ordinal)
    {
        ["RUB"] = 1, ["KZT"] = 2, ["USD"] = 3, ["EUR"] = 4, ["GBP"] = 5, ["CNY"] = 6, ["BYN"] = 7, ["UAH"] = 8, ["KGS"] = 9, ["AMD"] = 10,
    };

    private CdekOptions Settings => options.Value;

    public string CarrierId => KnownCarriers.Cdek;

    public async Task<CarrierQuote> QuoteAsync(CarrierQuoteInput input, CancellationToken cancellationToken)
    {
        if (!Currencies.TryGetValue(input.Currency, out var currencyCode))
        {
            return Nothing(input.Currency, UnavailableReason.CurrencyNotPriced, $"CDEK does not price in {input.Currency}.");
        }

        var packing = ParcelPacking.Pack(input.Shipment.Items, PackageLimits());
        if (packing.Refusal is { } refusal)
        {
            return Nothing(input.Currency, refusal, packing.RefusalDetail!);
        }

        var request = new CdekTariffListBody(1, currencyCode, "eng", FromLocation(), ToLocation(input.Destination), [.. packing.Parcels.Select(Size)]);
        var answer = await api.TariffListAsync(request, cancellationToken);
        var errors = answer.Errors.Concat(answer.Body?.Errors ?? []).ToList();
        if (answer.Body?.TariffCodes is not { Count: > 0 } tariffs)
        {
            return Nothing(input.Currency, UnavailableReason.ZoneNotServed,
                errors.Count > 0 ? $"CDEK: {string.Join(" ", errors.Select(e => e.Message))}" : $"CDEK has no tariff to {input.Destination.Country} {input.Destination.PostalCode}.");
        }

        var inForce = rules.CurrentValue;
        var calendar = new DeliveryCalendar(inForce);
        var cutOff = inForce.SellerCutOffs.FirstOrDefault(c => c.SellerId == input.Shipment.SellerId)?.Time ?? inForce.CutOff.Time;
        var dispatchDays = input.Shipment.Items.Count == 0 ? 0 : input.Shipment.Items.Max(i => i.DispatchDays);
        var free = input.Shipment.FreeDelivery is { } grant && Settings.FreeDeliveryEligible ? grant : null;
        var options = tariffs
            .Where(t => Settings.Tariffs.Count == 0 || Settings.Tariffs.Contains(t.TariffCode))
            .Select(t =>
            {
                var price = Money.Of(t.DeliverySum, input.Currency);
                return new DeliveryOption(
                    OptionId: OptionPrefix + t.TariffCode.ToString(CultureInfo.InvariantCulture),
                    CarrierId: KnownCarriers.Cdek,
                    ServiceId: t.TariffCode.ToString(CultureInfo.InvariantCulture),
                    ServiceName: t.TariffName,
                    Kind: KindOf(t.DeliveryMode),
                    Price: free is null ? price : Money.Zero(input.Currency),
                    RegularPrice: price,
                    FreeDelivery: free,
                    Eta: calendar.Eta(input.Now, cutOff, dispatchDays, new TransitDays { Min = t.PeriodMin, Max = Math.Max(t.PeriodMin, t.PeriodMax) }),
                    Parcels: packing.Parcels.Count,
                    ChargeableWeightGrams: (int)Math.Min(int.MaxValue, packing.Parcels.Sum(p => (long)p.ChargeableGrams)));
            })
            .ToList();
        return new CarrierQuote(input.Currency, options, []);
    }

    public async Task<ShipmentBooking> CreateShipmentAsync(ShipmentRequest request, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return new ShipmentBooking.Refused(validation.ToDictionary());
        }

        if (!int.TryParse(request.ServiceId, NumberStyles.None, CultureInfo.InvariantCulture, out var tariff)
            || (Settings.Tariffs.Count > 0 && !Settings.Tariffs.Contains(tariff)))
        {
            return Refused(nameof(ShipmentRequest.ServiceId), $"CDEK offers no tariff '{request.ServiceId}' here.");
        }

        if (request.Recipient is not { } recipient || string.IsNullOrWhiteSpace(recipient.Name) || string.IsNullOrWhiteSpace(recipient.Phone))
        {
            return Refused(nameof(ShipmentRequest.Recipient), "CDEK needs the recipient's name and phone number.");
        }

        var packing = ParcelPacking.Pack(request.Items, PackageLimits());
        if (packing.Refusal is not null)
        {
            return Refused(nameof(ShipmentRequest.Items), packing.RefusalDetail!);
        }

        var deadline = clock.GetUtcNow() + Settings.OrderDeadline;
        var (row, claimed, fresh) = await ClaimAsync(request, tariff, recipient, packing, deadline, cancellationToken);
        if (row.CdekNumber is not null && row.LabelUrl is not null)
        {
            return Booked(row);
        }

        while (row.CdekUuid is null)
        {
            if (claimed)
            {
                var sent = await SendOrderAsync(row, mayHaveBeenSent: !fresh, cancellationToken);
                if (sent is not null)
                {
                    return sent;
                }

                break;
            }

            // Another call holds the claim and is sending the order: wait for its uuid, or take over when its claim lapses.
            await WaitAsync(deadline, cancellationToken);
            db.ChangeTracker.Clear();
            row = await db.CdekOrders.SingleAsync(o => o.Id == row.Id, cancellationToken);
            claimed = row.CdekUuid is null && await TryClaimAsync(row.Id, deadline, cancellationToken);
        }

        return await ReadBackAsync(row, deadline, cancellationToken);
    }

    public async Task<ShipmentCancellation> CancelAsync(string trackingNumber, CancellationToken cancellationToken)
    {
        var uuid = await db.CdekOrders.AsNoTracking().Where(o => o.CdekNumber == trackingNumber).Select(o => o.CdekUuid).FirstOrDefaultAsync(cancellationToken);
        if (uuid is null)
        {
            return ShipmentCancellation.NotFound;
        }

        var order = await api.GetOrderAsync(uuid.Value, cancellationToken);
        if (order.Status == HttpStatusCode.NotFound || order.Body?.Entity is not { } entity)
        {
            return ShipmentCancellation.NotFound;
        }

        var status = Track(entity).Status;
        if (status == ShipmentStatus.Cancelled)
        {
            return ShipmentCancellation.AlreadyCancelled;
        }

        if (status != ShipmentStatus.LabelCreated)
        {
            return ShipmentCancellation.TooLate;
        }

        var deleted = await api.DeleteOrderAsync(uuid.Value, cancellationToken);
        if (deleted.Status == HttpStatusCode.NotFound)
        {
            return ShipmentCancellation.NotFound;
        }

        if (deleted.Status != HttpStatusCode.Accepted && deleted.Status != HttpStatusCode.OK)
        {
            // CDEK refuses to delete an order once it has the parcels, which may happen between our read and the delete.
            LogRefusedDeletion(trackingNumber, string.Join(" ", deleted.Errors.Select(e => $"{e.Code}: {e.Message}")));
            return ShipmentCancellation.TooLate;
        }

        return ShipmentCancellation.Cancelled;
    }

    public async Task<ShipmentTracking?> TrackAsync(string trackingNumber, CancellationToken cancellationToken)
    {
        var answer = await api.FindOrderAsync("cdek_number", trackingNumber, cancellationToken);
        return answer.Body?.Entity is { } order ? Track(order) : null;
    }

    public async Task<IReadOnlyList<PickupPoint>> PickupPointsAsync(DeliveryAddress near, CancellationToken cancellationToken)
    {
        var query = $"country_code={Uri.EscapeDataString(near.Country)}&postal_code={Uri.EscapeDataString(near.PostalCode)}&size={Settings.MaxPickupPoints}&page=0";
        var answer = await api.DeliveryPointsAsync(query, cancellationToken);
        return [.. (answer.Body ?? []).Take(Settings.MaxPickupPoints).Select(p => new PickupPoint(
            p.Code,
            p.Name,
            p.Type == "POSTAMAT" ? PickupPointKind.Locker : PickupPointKind.Office,
            new DeliveryAddress(p.Location.CountryCode, p.Location.PostalCode ?? "", p.Location.City, [p.Location.Address]),
            p.Location.Latitude,
            p.Location.Longitude,
            p.WorkTime ?? ""))];
    }

    private ShipmentTracking Track(CdekOrder order)
    {
        var events = new List<ShipmentEvent>();

        // CDEK lists statuses newest first; the port wants them oldest first.
        foreach (var status in (order.Statuses ?? []).Select(s => (Status: s, At: CdekTime.Parse(s.DateTime))).OrderBy(s => s.At))
        {
            if (CdekStatusMap.Normalise(status.Status.Code) is { } normalised)
            {
                events.Add(new ShipmentEvent(status.At, normalised, string.IsNullOrEmpty(status.Status.City) ? status.Status.Name : $"{status.Status.Name}, {status.Status.City}"));
            }
            else
            {
                LogUnknownStatus(status.Status.Code, order.CdekNumber ?? order.Uuid.ToString());
            }
        }

        return new ShipmentTracking(KnownCarriers.Cdek, order.CdekNumber ?? "", CdekStatusMap.Current(events.Select(e => e.Status)), events);
    }

    /// <summary>Our row for the request, written before anything is sent; true when this call holds the right to send it.</summary>
    private async Task<(CdekOrderRow Row, bool Claimed, bool Fresh)> ClaimAsync(
        ShipmentRequest request, int tariff, ShipmentRecipient recipient, Packing packing, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var existing = await FindRowAsync(request, cancellationToken);
        if (existing is not null)
        {
            var claimed = existing.CdekUuid is null && await TryClaimAsync(existing.Id, deadline, cancellationToken);
            return (existing, claimed, false);
        }

        // PostgreSQL keeps microseconds: the booking answered now must equal the one read back on a repeat.
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        var id = Guid.CreateVersion7(now);
        var row = new CdekOrderRow
        {
            Id = id,
            OrderReference = request.OrderReference,
            SellerId = request.SellerId,
            ServiceId = request.ServiceId,
            Request = JsonSerializer.Serialize(OrderBody(id, request, tariff, recipient, packing), CdekApi.Json),
            Parcels = packing.Parcels.Count,
            CreatedAt = now,
            ClaimedUntil = deadline,
        };
        db.CdekOrders.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return (row, true, true);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return (await FindRowAsync(request, cancellationToken) ?? throw new InvalidOperationException("A CDEK booking collided with one that cannot be read back.", e), false, false);
        }
    }

    private async Task<CdekOrderRow?> FindRowAsync(ShipmentRequest request, CancellationToken cancellationToken) =>
        await db.CdekOrders.FirstOrDefaultAsync(o => o.OrderReference == request.OrderReference && o.SellerId == request.SellerId, cancellationToken);

    /// <summary>Takes the right to send the order when nobody holds it, in one conditional update: of two callers one wins.</summary>
    private async Task<bool> TryClaimAsync(Guid id, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var taken = await db.CdekOrders
            .Where(o => o.Id == id && o.CdekUuid == null && o.ClaimedUntil < now)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.ClaimedUntil, until), cancellationToken);
        return taken == 1;
    }

    /// <summary>
    /// Sends the stored order, unless CDEK has it already under our number (an earlier send whose answer was lost).
    /// Answers a refusal (and forgets the row, so a corrected request can book), or null with the uuid stored.
    /// </summary>
    private async Task<ShipmentBooking?> SendOrderAsync(CdekOrderRow row, bool mayHaveBeenSent, CancellationToken cancellationToken)
    {
        var earlier = mayHaveBeenSent ? await api.FindOrderAsync("im_number", row.Id.ToString("N"), cancellationToken) : null;
        if (earlier?.Body?.Entity is { } known)
        {
            row.CdekUuid = known.Uuid;
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }

        var body = JsonSerializer.Deserialize<CdekOrderBody>(row.Request, CdekApi.Json)!;
        CdekAnswer<CdekEntityAnswer> created;
        try
        {
            created = await api.CreateOrderAsync(body, cancellationToken);
        }
        catch (CarrierUnavailableException)
        {
            // Whether CDEK made the order is unknown: give up the claim, so the next try asks CDEK by our number at once.
            await db.CdekOrders.Where(o => o.Id == row.Id).ExecuteUpdateAsync(set => set.SetProperty(o => o.ClaimedUntil, DateTimeOffset.MinValue), CancellationToken.None);
            throw;
        }

        if (created.Body?.Entity is { } entity)
        {
            row.CdekUuid = entity.Uuid;
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }

        var errors = created.Errors.Concat((created.Body?.Requests ?? []).SelectMany(r => r.Errors ?? [])).ToList();
        return await RefuseAsync(row, errors, cancellationToken);
    }

    /// <summary>Reads the order back until CDEK accepted it (with its number) or refused it, then gets its waybill.</summary>
    private async Task<ShipmentBooking> ReadBackAsync(CdekOrderRow row, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (row.CdekNumber is null)
        {
            var answer = await api.GetOrderAsync(row.CdekUuid!.Value, cancellationToken);
            var creation = answer.Body?.Requests?.FirstOrDefault(r => r.Type == "CREATE");
            if (creation?.State == "INVALID")
            {
                return await RefuseAsync(row, creation.Errors ?? [], cancellationToken);
            }

            if (creation?.State == "SUCCESSFUL" && answer.Body?.Entity?.CdekNumber is { Length: > 0 } number)
            {
                row.CdekNumber = number;
                await db.SaveChangesAsync(cancellationToken);
                break;
            }

            await WaitAsync(deadline, cancellationToken);
        }

        if (row.LabelUrl is null)
        {
            var print = await api.RequestWaybillAsync(row.CdekUuid!.Value, cancellationToken);
            var printUuid = print.Body?.Entity?.Uuid
                            ?? throw new CarrierUnavailableException(KnownCarriers.Cdek, $"CDEK did not accept the waybill of order {row.CdekNumber} ({(int)print.Status}).");
            while (row.LabelUrl is null)
            {
                var waybill = await api.GetWaybillAsync(printUuid, cancellationToken);
                if (waybill.Body?.Entity?.Url is { Length: > 0 } url)
                {
                    row.LabelUrl = url;
                    await db.SaveChangesAsync(cancellationToken);
                    break;
                }

                await WaitAsync(deadline, cancellationToken);
            }
        }

        return Booked(row);
    }

    private async Task<ShipmentBooking> RefuseAsync(CdekOrderRow row, List<CdekError> errors, CancellationToken cancellationToken)
    {
        db.CdekOrders.Remove(row);
        await db.SaveChangesAsync(cancellationToken);
        var message = errors.Count == 0 ? "CDEK refused the order." : string.Join(" ", errors.Select(e => $"CDEK {e.Code}: {e.Message}"));
        return Refused(nameof(ShipmentRequest.Destination), message);
    }

    private async Task WaitAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (clock.GetUtcNow() >= deadline)
        {
            // The row keeps what CDEK answered so far: the same request later carries on from there.
            throw new CarrierUnavailableException(KnownCarriers.Cdek, $"CDEK did not finish the order within {Settings.OrderDeadline}.");
        }

        await Task.Delay(Settings.PollInterval, clock, cancellationToken);
    }

    private CdekOrderBody OrderBody(Guid id, ShipmentRequest request, int tariff, ShipmentRecipient recipient, Packing packing)
    {
        var items = request.Items.ToDictionary(i => i.SkuId);
        var packages = packing.Parcels.Select((parcel, n) =>
        {
            var size = Size(parcel);
            return new CdekPackage((n + 1).ToString(CultureInfo.InvariantCulture), size.Weight, size.Length, size.Width, size.Height,
                [.. parcel.Contents.Select(c => new CdekItem(c.Key.ToString(), c.Key.ToString("N"), new CdekMoney(0), 0, items[c.Key].WeightGrams, c.Value))]);
        }).ToList();
        var sender = new CdekContact(Settings.SenderName ?? Settings.SenderCompany, Settings.SenderPhone is { } phone ? [new CdekPhone(phone)] : [], Settings.SenderCompany);
        var destination = request.PickupPointId is null ? ToLocation(request.Destination) : null;
        return new CdekOrderBody(
            Type: 1,
            Number: id.ToString("N"),
            TariffCode: tariff,
            Recipient: new CdekContact(recipient.Name, [new CdekPhone(recipient.Phone)], Email: recipient.Email),
            Sender: sender,
            Packages: packages,
            FromLocation: Settings.ShipmentPoint is null ? FromLocation() : null,
            ShipmentPoint: Settings.ShipmentPoint,
            ToLocation: destination,
            DeliveryPoint: request.PickupPointId);
    }

    private CarrierService PackageLimits() => new()
    {
        Id = KnownCarriers.Cdek,
        Name = "CDEK",
        MaxParcelWeightGrams = Settings.MaxPackageWeightGrams,
        MaxLongestSideMm = Settings.MaxPackageSideMm,
        VolumetricDivisor = Settings.VolumetricDivisor,
    };

    /// <summary>
    /// Packing does not model how units nest, only their summed volume; a cube of that volume gives CDEK the same
    /// volumetric weight as the parcel.
    /// </summary>
    private static CdekPackageSize Size(Parcel parcel)
    {
        var side = Math.Max(1, (int)Math.Ceiling(Math.Cbrt(parcel.VolumeMm3) / 10));
        return new CdekPackageSize(Math.Max(1, parcel.ActualGrams), side, side, side);
    }

    private CdekLocation FromLocation() => new(Settings.FromCountryCode, Settings.FromPostalCode, Settings.FromCity);

    private static CdekLocation ToLocation(DeliveryAddress address) =>
        new(address.Country.Trim().ToUpperInvariant(), address.PostalCode, address.City, string.Join(", ", address.Lines));

    /// <summary>CDEK's delivery modes: 1 door to door and 3 office to door reach the door; the others end at an office or locker.</summary>
    private static DeliveryServiceKind KindOf(int deliveryMode) =>
        deliveryMode is 1 or 3 ? DeliveryServiceKind.CourierToDoor : DeliveryServiceKind.PickupPoint;

    private static ShipmentBooking.Booked Booked(CdekOrderRow row) =>
        new(new BookedShipment(KnownCarriers.Cdek, row.ServiceId, row.CdekNumber!, row.LabelUrl!, row.Parcels, row.CreatedAt));

    private static ShipmentBooking.Refused Refused(string field, string message) => new(ValidationFilterExtensions.FieldError(field, message));

    private static CarrierQuote Nothing(string currency, UnavailableReason reason, string detail) =>
        new(currency, [], [new UnavailableDeliveryOption(KnownCarriers.Cdek, "CDEK", DeliveryServiceKind.CourierToDoor, reason, detail)]);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CDEK refused to delete order {TrackingNumber}: {Errors}")]
    private partial void LogRefusedDeletion(string trackingNumber, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CDEK status {Code} of order {Order} is not in the status table; it is left out of the tracking.")]
    private partial void LogUnknownStatus(string code, string order);
}
