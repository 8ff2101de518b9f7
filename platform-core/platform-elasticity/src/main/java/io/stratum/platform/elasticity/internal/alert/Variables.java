package io.stratum.platform.elasticity.internal.alert;

import jakarta.el.ELContext;
import jakarta.el.ELResolver;
import jakarta.el.ExpressionFactory;
import jakarta.el.FunctionMapper;
import jakarta.el.PropertyNotFoundException;
import jakarta.el.PropertyNotWritableException;
import jakarta.el.ValueExpression;
import jakarta.el.VariableMapper;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * The EL context an alert's expression is compiled and evaluated in: top-level names resolve to the given values and
 * nothing else (no beans, no properties, no methods, no functions). It carries the expression factory, so that EL's
 * type conversions never look one up through the thread's context class loader (which fails in OSGi). One per
 * evaluation; not thread-safe.
 */
final class Variables extends ELContext {

    private final ELResolver resolver;

    /**
     * @param factory the expression factory
     * @param values name to value
     */
    Variables(ExpressionFactory factory, Map<String, Object> values) {
        putContext(ExpressionFactory.class, factory);
        this.resolver = new Resolver(values);
    }

    @Override
    public ELResolver getELResolver() {
        return resolver;
    }

    @Override
    public FunctionMapper getFunctionMapper() {
        return NO_FUNCTIONS;
    }

    @Override
    public VariableMapper getVariableMapper() {
        return NO_VARIABLES;
    }

    private static final FunctionMapper NO_FUNCTIONS = new FunctionMapper() {
        @Override
        public Method resolveFunction(String prefix, String localName) {
            return null;
        }
    };

    private static final VariableMapper NO_VARIABLES = new VariableMapper() {
        @Override
        public ValueExpression resolveVariable(String variable) {
            return null;
        }

        @Override
        public ValueExpression setVariable(String variable, ValueExpression expression) {
            throw new UnsupportedOperationException("alert expressions have no variables");
        }
    };

    /** Resolves top-level names from a map; everything else is not found. */
    private static final class Resolver extends ELResolver {
        private final Map<String, Object> values;

        Resolver(Map<String, Object> values) {
            this.values = values;
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            if (base == null && property instanceof String name) {
                if (!values.containsKey(name)) {
                    throw new PropertyNotFoundException("unknown name '" + name + "'");
                }
                context.setPropertyResolved(true);
                return values.get(name);
            }
            throw new PropertyNotFoundException("properties are not allowed in alert expressions");
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {
            throw new PropertyNotWritableException("alert expressions cannot assign");
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return base == null ? String.class : null;
        }
    }
}
