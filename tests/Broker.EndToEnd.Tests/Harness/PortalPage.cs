using Broker.Testing.Browser;
using Microsoft.Playwright;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// The demo's portal in Chromium as one signed-in user: one page, screenshots saved by
/// <see cref="ChromiumBrowser"/> and attached to the running test, waits bounded by a limit.
/// </summary>
internal sealed class PortalPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private PortalPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Opens a fresh context on <paramref name="world"/>'s portal and logs in as <paramref name="user"/>.</summary>
    public static async Task<PortalPage> LogInAsync(ChromiumBrowser browser, DemoWorld world, string user, string password, CancellationToken cancellationToken)
    {
        var context = await browser.NewContextAsync(world.Portal, cancellationToken);
        try
        {
            var page = await context.NewPageAsync();
            await PortalLogin.LogInAsync(page, user, password);
            return new PortalPage(context, page);
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>The trimmed text of the element <paramref name="selector"/> finds.</summary>
    public async Task<string> TextAsync(string selector) => (await Page.TextContentAsync(selector))?.Trim() ?? string.Empty;

    /// <summary>Waits until the element <paramref name="id"/> reads <paramref name="text"/> (the page's script updates it).</summary>
    public Task WaitForTextAsync(string id, string text, TimeSpan limit) =>
        WaitUntilAsync($"#{id} to read '{text}'", $"document.getElementById({Quote(id)})?.textContent.trim() === {Quote(text)}", limit);

    /// <summary>
    /// Waits until the JavaScript expression <paramref name="condition"/> holds on the page; after
    /// <paramref name="limit"/> attaches a screenshot and fails naming <paramref name="what"/> and the page's text.
    /// </summary>
    public async Task WaitUntilAsync(string what, string condition, TimeSpan limit)
    {
        try
        {
            await Page.WaitForFunctionAsync($"() => {condition}", null, new PageWaitForFunctionOptions { Timeout = (float)limit.TotalMilliseconds, PollingInterval = 200 });
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync("timeout");
            throw new TimeoutException($"Waited {limit} for {what}; the page reads: {await TextAsync("main")}");
        }
    }

    /// <summary>Saves a full-page screenshot named <paramref name="name"/> and attaches it to the test.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var path = await ChromiumBrowser.SaveScreenshotAsync(Page, name);
        TestContext.Current.AddAttachment($"screenshot {name}", await File.ReadAllBytesAsync(path), "image/png");
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    /// <summary>A JavaScript string literal of <paramref name="text"/>.</summary>
    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
