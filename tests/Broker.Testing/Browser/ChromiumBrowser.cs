using Microsoft.Playwright;

namespace Broker.Testing.Browser;

/// <summary>
/// Debian's chromium driven by Playwright, headless. Never downloads a browser: the executable path
/// is fixed. Launched on first use and closed on dispose; share it per test class or assembly.
/// Screenshots go to <see cref="ScreenshotDirectory"/> as test artefacts. The test project must
/// reference <c>Microsoft.Playwright</c> itself (for the driver).
/// </summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    /// <summary>Where Debian's <c>chromium</c> package puts the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>How long any page action or navigation may take before the test fails.</summary>
    private const float PageTimeoutMilliseconds = 120_000;

    private static readonly string[] Arguments = ["--disable-gpu", "--disable-background-networking", "--disable-component-update"];

    private readonly SemaphoreSlim _launchGate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Overrides <see cref="ScreenshotDirectory"/>, for test builds whose output is outside the repository.</summary>
    public const string ScreenshotDirectoryVariable = "BROKER_SCREENSHOT_DIR";

    /// <summary><c>artifacts/test-results/screenshots</c> under the repository root, unless <see cref="ScreenshotDirectoryVariable"/> says otherwise.</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable(ScreenshotDirectoryVariable) is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(RepoPaths.Root, "artifacts", "test-results", "screenshots");

    /// <summary>A fresh browser context (own cookies and storage) whose relative URLs resolve against <paramref name="baseAddress"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var browser = await LaunchAsync(cancellationToken);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString() });

        // Playwright's 30 s default is shorter than a first page render can take on a 2-core machine
        // running the whole suite; this bounds a hang, it does not measure speed.
        context.SetDefaultTimeout(PageTimeoutMilliseconds);
        context.SetDefaultNavigationTimeout(PageTimeoutMilliseconds);
        return context;
    }

    /// <summary>Saves a full-page PNG named <paramref name="name"/> and returns its path.</summary>
    public static async Task<string> SaveScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _launchGate.Dispose();
    }

    private async Task<IBrowser> LaunchAsync(CancellationToken cancellationToken)
    {
        await _launchGate.WaitAsync(cancellationToken);
        try
        {
            if (_browser is null)
            {
                if (!File.Exists(ExecutablePath))
                {
                    throw new InvalidOperationException($"{ExecutablePath} is missing (apt-get install -y chromium).");
                }

                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ExecutablePath,
                    Headless = true,
                    Args = Arguments,
                });
            }

            return _browser;
        }
        finally
        {
            _launchGate.Release();
        }
    }
}
