using System.Security.Claims;
using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Pools;
using Broker.Server.Api.Desktops;
using Broker.Server.Desktops;

namespace Broker.Server.Api.Me;

/// <summary>
/// The signed-in user's own things: entitled pools, assigned desktops, devices, and the desktop
/// actions. Another user's desktop is answered exactly like one that does not exist (404).
/// </summary>
internal static class MyEndpoints
{
    public static RouteGroupBuilder MapMyEndpoints(this RouteGroupBuilder me)
    {
        me.WithTags("Me");
        me.MapGet("/pools", ListPoolsAsync).Produces<IReadOnlyList<MyPoolResponse>>();
        me.MapPost("/pools/{id:guid}/desktop", AssignAsync)
            .Produces<DesktopResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        me.MapGet("/devices", ListDevicesAsync).Produces<IReadOnlyList<DeviceResponse>>();
        me.MapGet("/desktops", ListDesktopsAsync).Produces<IReadOnlyList<DesktopResponse>>();
        me.MapGet("/desktops/{id:guid}", GetDesktopAsync).Produces<DesktopResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        me.MapPost("/desktops/{id:guid}/check-out", CheckOutAsync)
            .Produces<DesktopResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        me.MapPost("/desktops/{id:guid}/cancel-check-out", CancelCheckOutAsync)
            .Produces<DesktopResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        me.MapPost("/desktops/{id:guid}/check-in", CheckInAsync)
            .Produces<DesktopResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return me;
    }

    private static async Task<IResult> ListPoolsAsync(ClaimsPrincipal principal, MyDesktops mine, CancellationToken cancellationToken) =>
        TypedResults.Ok((await mine.ListPoolsAsync(Actor.Identity(principal), cancellationToken)).Select(MyPoolResponse.From).ToList());

    private static async Task<IResult> AssignAsync(Guid id, ClaimsPrincipal principal, DesktopActions actions, CancellationToken cancellationToken) =>
        ApiProblems.For(await actions.AssignAsync(Actor.Identity(principal), new PoolId(id), cancellationToken));

    private static async Task<IResult> ListDevicesAsync(ClaimsPrincipal principal, IDeviceStore devices, CancellationToken cancellationToken) =>
        TypedResults.Ok((await devices.ListByOwnerAsync(Actor.Identity(principal).Id, cancellationToken)).Select(DeviceResponse.From).ToList());

    private static async Task<IResult> ListDesktopsAsync(ClaimsPrincipal principal, MyDesktops mine, CancellationToken cancellationToken) =>
        TypedResults.Ok((await mine.ListDesktopsAsync(Actor.Identity(principal), cancellationToken)).Select(DesktopResponse.From).ToList());

    private static async Task<IResult> GetDesktopAsync(Guid id, ClaimsPrincipal principal, DesktopActions actions, IDesktopProgressBoard progress, CancellationToken cancellationToken) =>
        await actions.FindOwnAsync(Actor.Identity(principal), new DesktopId(id), cancellationToken) is { } desktop
            ? TypedResults.Ok(DesktopResponse.From(desktop) with { Progress = TransferProgressResponse.From(progress.Latest(desktop.Id)) })
            : ApiProblems.NotFound("There is no such desktop, or it is not yours.");

    private static async Task<IResult> CheckOutAsync(Guid id, CheckOutRequest request, ClaimsPrincipal principal, DesktopActions actions, CancellationToken cancellationToken)
    {
        if (request.DeviceId is not { } deviceId || deviceId == Guid.Empty)
        {
            return ApiProblems.Validation(nameof(CheckOutRequest.DeviceId), "is required.");
        }

        return ApiProblems.For(await actions.CheckOutAsync(Actor.Identity(principal), new DesktopId(id), new DeviceId(deviceId), AdminDesktopEndpoints.ToEpoch(request.Epoch), cancellationToken));
    }

    private static async Task<IResult> CancelCheckOutAsync(Guid id, long? epoch, ClaimsPrincipal principal, DesktopActions actions, CancellationToken cancellationToken) =>
        ApiProblems.For(await actions.CancelCheckOutAsync(Actor.Identity(principal), new DesktopId(id), AdminDesktopEndpoints.ToEpoch(epoch), cancellationToken));

    private static async Task<IResult> CheckInAsync(Guid id, long? epoch, ClaimsPrincipal principal, DesktopActions actions, CancellationToken cancellationToken) =>
        ApiProblems.For(await actions.CheckInAsync(Actor.Identity(principal), new DesktopId(id), AdminDesktopEndpoints.ToEpoch(epoch), cancellationToken));
}
