using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>
/// Stores an instant as UTC ticks: one integer column that sorts and compares the same on SQLite
/// (which has no native instant type and cannot order <see cref="DateTimeOffset"/> text) and
/// PostgreSQL. The offset is not kept; instants come back in UTC.
/// </summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    instant => instant.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
