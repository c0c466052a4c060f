package dev.polyconnect.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import javax.enterprise.inject.Produces;
import javax.inject.Singleton;

/**
 * Stands in for the build step of Apicurio's config-index extension, whose deployment
 * module is not published on Maven Central: the list of the properties that can be changed
 * at run time. The tests change none, so the list is empty.
 */
public class DynamicConfigProperties {
    @Produces
    @Singleton
    DynamicConfigPropertyList dynamicConfigPropertyList() {
        return new DynamicConfigPropertyList(java.util.List.of());
    }
}
