namespace Broker.Server.Api.Me;

/// <summary>Body of <c>POST /api/v1/me/desktops/{id}/check-out</c>.</summary>
/// <param name="DeviceId">One of the user's devices.</param>
/// <param name="Epoch">The epoch the user saw; omitted means the current one.</param>
internal sealed record CheckOutRequest(Guid? DeviceId, long? Epoch);
