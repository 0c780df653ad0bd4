using Broker.ClientAgent.Desktops;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Broker.ClientAgent.Api;

/// <summary>
/// Turns the agent's refusals into the local API's statuses: <see cref="ClientRefusedException"/>
/// gives FAILED_PRECONDITION with the reason in the <see cref="TrailerKey"/> trailer, an unknown
/// desktop gives NOT_FOUND.
/// </summary>
internal sealed class RefusalInterceptor : Interceptor
{
    /// <summary>The trailer naming the <see cref="ClientRefusal"/>.</summary>
    public const string TrailerKey = "client-refusal";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception) is { } status)
        {
            throw status;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception) is { } status)
        {
            throw status;
        }
    }

    private static RpcException? Translate(Exception exception) => exception switch
    {
        ClientRefusedException refused => new RpcException(new Status(StatusCode.FailedPrecondition, refused.Message), [new(TrailerKey, refused.Reason.ToString())]),
        KeyNotFoundException missing => new RpcException(new Status(StatusCode.NotFound, missing.Message)),
        _ => null,
    };
}
