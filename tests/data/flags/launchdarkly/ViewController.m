#import <LaunchDarkly/LaunchDarkly-Swift.h>

@implementation ViewController
- (void)refresh {
    BOOL enabled = [[LDClient get] boolVariationForKey:@"objc-checkout" defaultValue:NO];
    [self render:enabled];
}
@end
