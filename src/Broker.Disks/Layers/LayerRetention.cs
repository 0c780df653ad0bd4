namespace Broker.Disks.Layers;

/// <summary>
/// How many sealed layers (snapshots) a chain keeps per period (design §9): the newest layer sealed
/// in each of the last <see cref="Hourly"/> hours, <see cref="Daily"/> days and <see cref="Weekly"/>
/// weeks (UTC; weeks start on Monday). See <see cref="LayerRetentionPlanner"/>.
/// </summary>
/// <param name="Hourly">Hours, counting the current one, whose newest layer is kept.</param>
/// <param name="Daily">Days, counting the current one, whose newest layer is kept.</param>
/// <param name="Weekly">Weeks, counting the current one, whose newest layer is kept.</param>
public sealed record LayerRetention(int Hourly, int Daily, int Weekly);
