#import <ConfigCat/ConfigCat.h>

- (void)checkAwesome:(ConfigCatClient *)client {
    [client getBoolValueFor:@"objcAwesomeFeature"
               defaultValue:false
                       user:NULL
                 completion:^(BOOL isAwesome) {
        NSLog(@"%d", isAwesome);
    }];
}
